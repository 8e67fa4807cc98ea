import Foundation
import RetourCore
import RetourTUI

/// The guided tour of a demonstration office: lessons (`TourLesson`, from `Assets/tour.json`)
/// taught by doing. The case manager tells it of every event it handled (`observe`), and a
/// lesson is done when the case manager's state shows it, however the trainee got there. A
/// box above the status line says the lesson, its number, what to do and the keys; F7 and F8
/// go to the previous and next lesson, F9 hides and shows the box.
final class GuidedTour {
    let lessons: [TourLesson]
    private(set) var current = 0
    /// The lessons done, by index.
    private(set) var done: Set<Int> = []
    private(set) var visible: Bool

    /// The box's height: a title row, two rows of instructions, a row of keys.
    static let height = 4

    init(lessons: [TourLesson], visible: Bool) {
        self.lessons = lessons
        self.visible = visible
    }

    var lesson: TourLesson { lessons[current] }

    /// Marks the current lesson done when the case manager's state shows it.
    func observe(_ app: CaseManagerApp) {
        guard !done.contains(current), GuidedTour.holds(lesson.done, in: app) else { return }
        done.insert(current)
    }

    static func holds(_ completion: TourLesson.Completion, in app: CaseManagerApp) -> Bool {
        switch completion {
        case .searchTyped:
            return (app.screens.first as? CaseListScreen).map { !$0.searchText.isEmpty } ?? false
        case .caseOpen: return app.top is CaseDetailScreen
        case .dashboardOpen: return app.top is DashboardScreen
        }
    }

    /// The trainer's keys: whether `key` was one of them.
    func handle(_ key: Key, app: CaseManagerApp) -> Bool {
        switch key {
        case .function(7): current = max(0, current - 1)
        case .function(8): current = min(lessons.count - 1, current + 1)
        case .function(9): visible.toggle()
        default: return false
        }
        observe(app)
        return true
    }

    /// Draws the box above the status line, or at the top of the body when the focused row
    /// (the cursor) would be under it.
    func draw(into canvas: inout Canvas, catalog: Catalog) {
        guard visible else { return }
        let size = canvas.size
        var top = size.height - 2 - GuidedTour.height
        if let cursor = canvas.cursor, (top..<(top + GuidedTour.height)).contains(cursor.y) { top = 1 }
        let width = size.width
        canvas.fill(Rect(x: 0, y: top, width: width, height: GuidedTour.height))
        canvas.fill(Rect(x: 0, y: top, width: width, height: 1), style: .bar)
        let position = catalog.text("tour.box.position", ["number": String(current + 1), "count": String(lessons.count)])
        let positionWidth = CellWidth.of(position)
        canvas.put(catalog.text(lesson.titleKey), x: 1, y: top, width: width - positionWidth - 4, style: Style(bold: true, reverse: true))
        canvas.put(position, x: width - positionWidth - 1, y: top, style: .bar)
        for (offset, line) in Dialog.wrap(catalog.text(lesson.instructionKey), width: width - 4).prefix(2).enumerated() {
            canvas.put(line, x: 2, y: top + 1 + offset, width: width - 4)
        }
        let finished = done.contains(current)
        let state = finished ? catalog.text(current == lessons.count - 1 ? "tour.box.finished" : "tour.box.done")
                             : catalog.text(lesson.keysKey)
        let keys = state + "  ·  " + catalog.text("tour.box.keys")
        canvas.put(keys, x: 2, y: top + 3, width: width - 4, style: finished ? .success : .key)
    }
}
