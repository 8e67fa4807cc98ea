import Foundation
import Testing
@testable import RetourCore
@testable import RetourDemo

@Suite("Demo people: their follow-up")
struct DemoFollowUpTests {
    typealias F = CSVFixtures

    /// `count` fictitious people with their follow-up, imported into a new store.
    private func generate(_ count: Int, seed: UInt64, into directory: URL) throws -> (Store, ImportResult) {
        let people = try DemoPeople(assets: F.assets)
        let batch = try people.batch(count: count, seed: seed, reference: F.reference, today: F.today)
        let plan = try CSVImport.plan(data: batch.csv, reference: F.reference, book: CaseBook(), today: F.today,
                                      options: .init(skipInvalid: true, allowDuplicates: true))
        let store = try Store(directory: directory)
        return (store, try DemoPeople.run(plan, histories: batch.histories, store: store, reference: F.reference))
    }

    @Test func thePeopleAreThoseOfTheImportFile() throws {
        let people = try DemoPeople(assets: F.assets)
        let batch = try people.batch(count: 50, seed: 3, reference: F.reference, today: F.today)
        #expect(batch.csv == (try people.csv(count: 50, seed: 3, reference: F.reference, today: F.today)))
        #expect(batch.histories.count == 50)
        #expect(try people.batch(count: 50, seed: 3, reference: F.reference, today: F.today).histories == batch.histories)
        #expect(try people.batch(count: 50, seed: 4, reference: F.reference, today: F.today).histories != batch.histories)
    }

    @Test func theSameSeedAndDayGiveTheSameCases() throws {
        try F.withDirectory { root throws in
            let (first, result) = try generate(120, seed: 11, into: root.appendingPathComponent("a"))
            let (second, _) = try generate(120, seed: 11, into: root.appendingPathComponent("b"))
            #expect(result.imported.count == 120)
            #expect(try first.book.allCases() == second.book.allCases())
        }
    }

    @Test func aRealisticShareOfFollowUp() throws {
        try F.withDirectory { root throws in
            let (store, result) = try generate(400, seed: 5, into: root)
            #expect(result.imported.count == 400)
            let cases = try store.book.allCases()
            func share(_ test: (Case) -> Bool) -> Double { Double(cases.filter(test).count) / Double(cases.count) }
            #expect((0.5...0.85).contains(share { !$0.plans.isEmpty }))
            #expect((0.3...0.8).contains(share { $0.plans.contains { $0.steps.contains { $0.status == .done } } }))
            #expect((0.08...0.5).contains(share { !$0.overdueSteps(on: F.today).isEmpty }))
            #expect((0.02...0.3).contains(share { $0.plans.contains { $0.steps.contains { $0.status == .blocked } } }))
            #expect((0.2...0.8).contains(share { !$0.gaps(criteria: F.reference.tracks.criteria).isEmpty }))
            #expect((0.05...0.6).contains(share { $0.assessments.count >= 2 }))
            #expect((0.1...0.7).contains(share { !$0.openReferrals.isEmpty }))
            #expect(share { $0.referrals.contains { $0.status == .completed && !$0.outcome.isEmpty } } > 0.05)
            #expect((0.3...0.9).contains(share { !$0.notes.isEmpty }))
            #expect(share { $0.notes.contains { $0.corrects != nil } } > 0)
            #expect(share { $0.status == .closed } > 0.01)
            #expect(share { $0.status == .closureRequested } > 0.005)
            #expect(share { $0.status == .registered } > 0.2)
            // Only women of working age in the women's AGR track.
            let women = cases.filter { $0.plans.contains { $0.track == "women_agr" } }
            #expect(!women.isEmpty)
            #expect(women.allSatisfy { $0.profile.sex == .female })
        }
    }

    @Test func everythingHappenedInOrderBeforeToday() throws {
        try F.withDirectory { root throws in
            let (store, _) = try generate(200, seed: 9, into: root)
            let midnight = DemoPeople.moment(F.today, minutes: 0)
            for item in try store.book.allCases() {
                #expect(item.timeline.first?.kind == "timeline.register")
                #expect(item.timeline.map(\.at) == item.timeline.map(\.at).sorted(), "\(item.number)")
                #expect(item.timeline.allSatisfy { $0.at < midnight }, "\(item.number)")
                for plan in item.plans {
                    #expect(plan.steps.allSatisfy { step in step.doneOn.map { $0 >= plan.enrolledOn && $0 < F.today } ?? true })
                    #expect(plan.steps.filter { $0.status == .blocked }.allSatisfy { !$0.blockedReason.isEmpty })
                }
                #expect(item.assessments.allSatisfy { $0.date < F.today && $0.ratings.count == 8 })
                #expect(item.notes.allSatisfy { note in item.timeline.contains { $0.at == note.at } })
            }
            // Case numbers follow the days of registration within each region.
            let gao = try store.book.allCases().filter { $0.number.hasPrefix("GAO-") }
            #expect(gao.map(\.created.at) == gao.map(\.created.at).sorted())
        }
    }

    @Test func theFollowUpSurvivesTheSnapshot() throws {
        try F.withDirectory { root throws in
            let (store, _) = try generate(80, seed: 2, into: root)
            let written = try store.book.allCases()
            try store.close()
            let reopened = try Store(directory: root)
            #expect(try reopened.book.allCases() == written)
            try reopened.close()
            #expect(DataCheck.run(directory: root, reference: F.reference).isOK)
        }
    }

    @Test func aDryRunCommitsNothing() throws {
        try F.withDirectory { root throws in
            let people = try DemoPeople(assets: F.assets)
            let batch = try people.batch(count: 10, seed: 1, reference: F.reference, today: F.today)
            let plan = try CSVImport.plan(data: batch.csv, reference: F.reference, book: CaseBook(), today: F.today,
                                          options: .init(skipInvalid: true, allowDuplicates: true, dryRun: true))
            let store = try Store(directory: root)
            let result = try DemoPeople.run(plan, histories: batch.histories, store: store, reference: F.reference)
            #expect(result.imported.isEmpty)
            #expect(store.book.count == 0)
            #expect(store.journalLines == 0)
        }
    }
}
