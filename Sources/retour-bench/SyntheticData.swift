import Foundation
import RetourCore
import RetourDemo

/// A data directory of fictitious people, made as `retour import --generate` makes it: the
/// demo generator writes an import file and each person's follow-up, the import checks the
/// file, every registration and follow-up change is committed through `Store.commit` (each
/// fsync'd), then closing the store folds the journal into the snapshot once.
enum SyntheticData {
    /// Seconds each step took, and how many cases were registered.
    struct Phases {
        var generate = 0.0
        var plan = 0.0
        var commit = 0.0
        var compact = 0.0
        var registered = 0
        /// Journal lines written: registrations and follow-up changes.
        var changes = 0

        var total: Double { generate + plan + commit + compact }
    }

    static let author = "bench"

    static func build(count: Int, in directory: URL, assets: Assets, reference: Reference) throws -> Phases {
        var phases = Phases()
        let today = CalendarDate.today()
        let store = try Store(directory: directory, user: author)
        if let reason = store.readOnlyReason { throw reason }
        let people = try DemoPeople(assets: assets)
        let (batch, generate) = try Measure.timed {
            try people.batch(count: count, seed: 1, reference: reference, today: today)
        }
        phases.generate = generate
        let options = CSVImport.Options(skipInvalid: true, allowDuplicates: true)
        let (plan, planning) = try Measure.timed {
            try CSVImport.plan(data: batch.csv, reference: reference, book: store.book, today: today, options: options)
        }
        phases.plan = planning
        let (result, committing) = try Measure.timed {
            try DemoPeople.run(plan, histories: batch.histories, store: store, reference: reference)
        }
        phases.commit = committing
        phases.registered = result.imported.count
        phases.changes = store.journalLines
        let ((), compacting) = try Measure.timed { try store.close() }
        phases.compact = compacting
        return phases
    }
}
