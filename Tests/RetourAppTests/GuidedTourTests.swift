import Foundation
import Testing
@testable import RetourApp
@testable import RetourCore
import RetourTUI

/// The guided tour of a demonstration office: its lessons as data in both languages, done when
/// the case manager's state shows it, in a box above the status line that F7, F8 and F9 drive.
@Suite("Guided tour")
struct GuidedTourTests {
    @Test func everyLessonHasItsTextsInBothLanguages() throws {
        let fixtures = try Fixtures.get()
        let lessons = try TourLesson.load(assets: Assets.locate())
        #expect(lessons.count >= 3)
        #expect(Set(lessons.map(\.id)).count == lessons.count)
        for lesson in lessons {
            for key in [lesson.titleKey, lesson.instructionKey, lesson.keysKey] {
                for catalog in [fixtures.english, fixtures.french] {
                    #expect(catalog.text(key) != key, "\(key) in \(catalog.language)")
                }
                #expect(fixtures.english.text(key) != fixtures.french.text(key), "\(key) translated")
            }
        }
    }

    /// The box's rows, found by its position line.
    private func box(_ harness: Harness) -> [String]? {
        guard let top = harness.rows.firstIndex(where: { $0.contains("Lesson ") && $0.contains(" of ") }) else { return nil }
        return Array(harness.rows[top..<(top + GuidedTour.height)])
    }

    @Test func theFirstLessonsAreDoneByTheirKeys() throws {
        let harness = try Harness(language: .en, demo: true)
        #expect(box(harness) == nil, "hidden until F9")
        harness.send(.function(9))
        var shown = try #require(box(harness))
        #expect(shown[0].contains("Find a person") && shown[0].contains("Lesson 1 of 3"), "\(shown[0])")
        // Above the status line and the footer.
        #expect(harness.rows.firstIndex(of: shown[0]) == 24 - 2 - GuidedTour.height)
        #expect(!shown[3].contains("Done"))

        harness.type("/Ma")
        shown = try #require(box(harness))
        #expect(shown[3].contains("Done. F8: next lesson."), "\(shown[3])")
        // The focused field (the search, at the top) is not under the box.
        let cursor = try #require(harness.terminal.cursor)
        #expect(cursor.y < 24 - 2 - GuidedTour.height)

        harness.send(.escape, .function(8))
        shown = try #require(box(harness))
        #expect(shown[0].contains("Open a case") && shown[0].contains("Lesson 2 of 3"))
        harness.send(.enter)
        #expect(harness.app.top is CaseDetailScreen)
        #expect(try #require(box(harness))[3].contains("Done"))

        harness.send(.function(8))
        #expect(try #require(box(harness))[0].contains("Read the dashboard"))
        harness.send(.escape)
        harness.send(.character("d"))
        #expect(harness.app.top is DashboardScreen)
        #expect(try #require(box(harness))[3].contains("that was the last lesson"))
        // Back to a lesson already done: it stays done.
        harness.send(.function(7))
        #expect(try #require(box(harness))[0].contains("Lesson 2 of 3"))
        #expect(try #require(box(harness))[3].contains("Done"))
        harness.send(.function(9))
        #expect(box(harness) == nil)
    }

    @Test func inFrenchAndNeverOutsideADemo() throws {
        let french = try Harness(language: .fr, demo: true)
        french.send(.function(9))
        #expect(french.rows.contains { $0.contains("Leçon 1 sur 3") && $0.contains("Retrouver une personne") })
        let real = try Harness(language: .en)
        real.send(.function(9))
        #expect(real.app.tour == nil)
        #expect(!real.rows.contains { $0.contains("Lesson 1") })
    }
}
