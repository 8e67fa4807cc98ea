import Foundation
import Testing
@testable import RetourCore
@testable import RetourDemo

/// What Malian staff would notice at a glance in a demonstration: names against sex and
/// custom, the shape of ages and households, children, closure reasons against gaps, notes
/// against steps, and the balance of the three tracks.
@Suite("Demo people: believable to the staff who know the caseload")
struct DemoBelievabilityTests {
    typealias F = CSVFixtures

    /// The profiles of `count` generated people.
    private func profiles(_ count: Int, seed: UInt64) throws -> [CaseProfile] {
        let people = try DemoPeople(assets: F.assets)
        let csv = try people.csv(count: count, seed: seed, reference: F.reference, today: F.today)
        let plan = try CSVImport.plan(data: csv, reference: F.reference, book: CaseBook(), today: F.today,
                                      options: .init(skipInvalid: true, allowDuplicates: true))
        return plan.accepted.compactMap(\.profile)
    }

    /// A demonstration office of `count` people, with the follow-up, as `retour demo` makes it.
    private func office(_ count: Int, seed: UInt64, in directory: URL) throws -> (Store, [Case]) {
        let store = try Store(directory: directory)
        try DemoOffice.fill(store, mark: DemoMark(seed: seed, cases: count), reference: F.reference, assets: F.assets,
                            today: F.today, pinParameters: ScryptParameters(logN: 4, r: 1, p: 1))
        return (store, try store.book.allCases())
    }

    @Test func familyNamesFollowSexAndCustom() throws {
        let people = try profiles(2000, seed: 4)
        let women = people.filter { $0.sex == .female }, men = people.filter { $0.sex == .male }
        #expect(!women.contains { $0.familyName.hasPrefix("Ag ") || $0.familyName.hasPrefix("Ould ") })
        #expect(!men.contains { $0.familyName.hasPrefix("Walet ") || $0.familyName.hasPrefix("Mint ") })
        // The custom is there, not avoided.
        #expect(women.contains { $0.familyName.hasPrefix("Walet ") })
        #expect(men.contains { $0.familyName.hasPrefix("Ag ") })
        #expect(DemoPeople.familyName("Ag Intalla", female: true) == "Walet Intalla")
        #expect(DemoPeople.familyName("Walet Ahmed", female: false) == "Ag Ahmed")
        #expect(DemoPeople.familyName("Ould Sidi", female: true) == "Mint Sidi")
        #expect(DemoPeople.familyName("Maïga", female: true) == "Maïga")
    }

    @Test func agesHouseholdsAndCategoriesHaveACaseloadsShape() throws {
        let people = try profiles(2000, seed: 6)
        let ages = people.compactMap { $0.age(on: F.today) }
        #expect(ages.count == people.count)
        func share(_ test: (Int) -> Bool) -> Double { Double(ages.filter(test).count) / Double(ages.count) }
        // About one in ten over 60 (not a third), most of working age, few children.
        #expect((0.05...0.16).contains(share { $0 >= 60 }), "\(share { $0 >= 60 })")
        #expect(share { (18...59).contains($0) } > 0.75)
        #expect(share { $0 < 18 } < 0.07)
        // A child is a case of their own only when unaccompanied or separated, and alone.
        for child in people where child.age(on: F.today).map({ $0 < 18 }) == true {
            #expect(child.vulnerabilities.contains("unaccompanied_child"), "\(child.fullName)")
            #expect(child.householdSize == 1)
            #expect(child.age(on: F.today).map { $0 >= 10 } == true)
        }
        // Most people over 60 are counted as older persons, and only they.
        let older = people.filter { $0.age(on: F.today).map { $0 >= 60 } == true }
        #expect(Double(older.filter { $0.vulnerabilities.contains("older_person") }.count) / Double(older.count) > 0.6)
        #expect(!people.contains { $0.vulnerabilities.contains("older_person") && $0.age(on: F.today).map { $0 < 60 } == true })
        // Households around six, few alone, none absurdly large.
        let sizes = people.map(\.householdSize)
        let mean = Double(sizes.reduce(0, +)) / Double(sizes.count)
        #expect((5.0...7.5).contains(mean), "\(mean)")
        #expect(sizes.max()! <= 14)
        #expect(Double(sizes.filter { $0 == 1 }.count) / Double(sizes.count) < 0.12)
        // More returned IDPs than repatriated refugees, and a share of host-community members.
        let idps = people.filter { $0.category == .idpReturnee }.count
        let refugees = people.filter { $0.category == .refugeeReturnee }.count
        let hosts = people.filter { $0.category == .hostCommunity }.count
        #expect(idps > refugees && refugees > hosts && hosts > people.count / 20)
    }

    @Test func everyRegionAndCercleHasPeopleInTheDefaultOffice() throws {
        let people = try profiles(DemoOffice.defaultCases, seed: 1)
        for region in F.reference.regions {
            #expect(people.contains { $0.region == region.pcode }, "\(region.name)")
            for cercle in region.cercles {
                #expect(people.contains { $0.cercle == cercle.pcode }, "\(cercle.name)")
            }
        }
    }

    /// A person of 18 or more today never carries a vulnerability of children, and a note of
    /// a training or a kit is only on a case enrolled in a track with that step (the default
    /// office, as `retour demo` makes it, and another seed).
    @Test func adultsCarryNoChildVulnerabilityAndNotesAgreeWithTheTracks() throws {
        try F.withDirectory { root throws in
            for (seed, count) in [(UInt64(1), 300), (3, 800)] {
                let (store, cases) = try office(count, seed: seed, in: root.appendingPathComponent("\(seed)"))
                defer { try? store.close() }
                for item in cases {
                    if let age = item.profile.age(on: F.today), age >= 18 {
                        #expect(!item.profile.vulnerabilities.contains("unaccompanied_child"), "\(item.number), \(age)")
                    }
                    let steps = Set(item.plans.flatMap { plan in plan.steps.map(\.code) })
                    for note in item.notes {
                        if note.text.lowercased().contains("formation") {
                            #expect(steps.contains("training"), "\(item.number): \(note.text)")
                        }
                        if note.text.lowercased().contains("kit") {
                            #expect(!steps.isDisjoint(with: ["insertion_kit", "kit_or_grant"]), "\(item.number): \(note.text)")
                        }
                    }
                }
            }
        }
    }

    @Test func closuresNotesAndTracksAgreeWithTheRestOfTheCase() throws {
        try F.withDirectory { root throws in
            let (store, cases) = try office(800, seed: 3, in: root)
            defer { try? store.close() }
            let criteria = F.reference.tracks.criteria
            let users = store.book.users
            var youth = 0, women = 0, durable = 0
            for item in cases {
                let age = item.profile.age(on: F.today) ?? 30
                let closing = item.status == .closureRequested || item.status == .closed
                // No closure (nor request) for a child under 15 but one alone.
                if closing && age < 15 {
                    #expect(item.profile.vulnerabilities.contains("unaccompanied_child"), "\(item.number)")
                }
                // "Every step done, durable solution reached" never with rights gaps open.
                if item.status == .closureRequested && item.closureRequestReason == "durable_solution" {
                    #expect(item.gaps(criteria: criteria).isEmpty, "\(item.number): \(item.gaps(criteria: criteria))")
                    #expect(item.plans.allSatisfy { plan in plan.steps.allSatisfy { [.done, .notApplicable].contains($0.status) } },
                            "\(item.number)")
                }
                if item.status == .closed, item.closure?.reason == "durable_solution" {
                    #expect(item.gaps(criteria: criteria).isEmpty, "\(item.number)")
                }
                // A step done was done with the person there.
                for plan in item.plans {
                    for step in plan.steps where step.status == .done {
                        #expect(!step.note.lowercased().contains("absent"), "\(item.number): \(step.note)")
                    }
                }
                // Nobody alone has notes about their household or children.
                if item.profile.householdSize == 1 {
                    #expect(!item.notes.contains { HistoryBuilderProbe.speaksOfAHousehold($0.text) }, "\(item.number)")
                }
                // Closures are decided by the supervisor of the worker's team.
                if item.status == .closed, let closer = item.timeline.last(where: { $0.kind == "timeline.closed" })?.by,
                   let requester = item.closureRequestedBy, let worker = users[requester] {
                    #expect(users[closer].map { $0.role == .supervisor && !Set($0.teams).isDisjoint(with: worker.teams) } == true,
                            "\(item.number): \(closer) for \(requester)")
                }
                for plan in item.plans {
                    switch plan.track {
                    case "youth_entrepreneurship": youth += 1
                    case "women_agr": women += 1
                    case "durable_solutions": durable += 1
                    default: break
                    }
                }
            }
            // The three tracks are all there to teach the targets with.
            #expect(durable > 0)
            #expect(Double(youth) >= 0.3 * Double(durable), "youth \(youth), durable \(durable)")
            #expect(Double(women) >= 0.3 * Double(durable), "women \(women), durable \(durable)")
            // Closure requests wait in every supervisor's queue; some cases were closed, some reopened.
            #expect(cases.filter { $0.status == .closureRequested }.count >= 8)
            #expect(cases.contains { $0.status == .closed })
            #expect(cases.contains { $0.timeline.contains { $0.kind == "timeline.reopened" } })
        }
    }
}

/// The history's rule for notes, as the tests read it.
enum HistoryBuilderProbe {
    static func speaksOfAHousehold(_ text: String) -> Bool {
        ["ménage", "enfant", "Conjoint", "conjoint"].contains { text.contains($0) }
    }
}
