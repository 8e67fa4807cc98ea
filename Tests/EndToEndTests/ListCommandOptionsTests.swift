import Foundation
import Testing
@testable import retour
import RetourCore

/// `retour list`'s options as parsed into a `CaseQuery`: codes, names, usual spellings, and one
/// clear refusal for a value that names nothing. (What the query keeps is tested in the core.)
@Suite("List command: options")
struct ListCommandOptionsTests {
    static let assets: Result<(Reference, Catalog, Catalog), any Error> = Result {
        let assets = try Assets.locate()
        return (try Reference(assets: assets), try Catalog(language: .en, assets: assets),
                try Catalog(language: .fr, assets: assets))
    }

    let today = CalendarDate(year: 2016, month: 3, day: 1)!

    func query(_ arguments: [String]) throws -> CaseQuery {
        let (reference, english, french) = try Self.assets.get()
        return try ListCommand.parse(arguments).makeQuery(reference: reference, catalogs: [english, french], today: today)
    }

    /// The message key of the refusal, or nil when the options are accepted.
    func refusal(_ arguments: [String]) throws -> String? {
        do {
            _ = try query(arguments)
            return nil
        } catch let error as CommandError {
            return error.message.key
        }
    }

    @Test func newOptionsBecomeFilters() throws {
        let parsed = try query(["--track", "youth_entrepreneurship", "--overdue", "--gap", "documentation",
                                "--step-status", "blocked", "--worker", "Awa Traoré", "--region", "gao",
                                "--cercle", "menaka", "--status", "active", "--search", "maiga"])
        #expect(parsed.track == "youth_entrepreneurship")
        #expect(parsed.overdue == true)
        #expect(parsed.today == today)
        #expect(parsed.gap == "documentation")
        #expect(parsed.stepStatus == .blocked)
        #expect(parsed.worker == "Awa Traoré")
        #expect(parsed.region == "ML07")
        #expect(parsed.cercle == "ML0704")
        #expect(parsed.status == .active)
        #expect(parsed.search == "maiga")
        #expect(parsed.filterCount == 8)
    }

    @Test func tracksByNameAndCerclesAlone() throws {
        #expect(try query(["--track", "Durable solutions"]).track == "durable_solutions")
        #expect(try query(["--track", "agr des femmes"]).track == "women_agr")
        let cercle = try query(["--cercle", "Djenne"])
        #expect(cercle.cercle == "ML0503" && cercle.region == nil)
        #expect(try query(["--gap", "HOUSING_LAND_PROPERTY"]).gap == "housing_land_property")
        let none = try query([])
        #expect(none.isEmpty && none.overdue == nil)
    }

    @Test func valuesThatNameNothingAreRefused() throws {
        #expect(try refusal(["--track", "farming"]) == "filters.error.track")
        #expect(try refusal(["--gap", "docs"]) == "filters.error.gap")
        #expect(try refusal(["--step-status", "late"]) == "filters.error.stepStatus")
        #expect(try refusal(["--cercle", "Bamako"]) == "filters.error.cercle")
        #expect(try refusal(["--region", "Tombouctou", "--cercle", "Ansongo"]) == "filters.error.cercleRegion")
        #expect(try refusal(["--status", "late"]) == "list.error.status")
        #expect(try refusal(["--track", "women_agr", "--cercle", "Ansongo", "--region", "Gao"]) == nil)
    }

    @Test func aGapOnAnyCriterionAStepDoneAndDaysWithoutActivity() throws {
        #expect(try query(["--gap", "any"]).gap == CaseQuery.anyCriterion)
        #expect(try query(["--gap", "ANY"]).gap == CaseQuery.anyCriterion)
        #expect(try query(["--step-done", "training"]).stepDone == "training")
        // By its name in either language, folded.
        #expect(try query(["--step-done", "formation"]).stepDone == "training")
        #expect(try query(["--step-done", "Insertion kit delivered"]).stepDone == "insertion_kit")
        let youthTrained = try query(["--track", "youth_entrepreneurship", "--step-done", "training", "--idle-days", "30"])
        #expect(youthTrained.track == "youth_entrepreneurship" && youthTrained.stepDone == "training")
        #expect(youthTrained.idleDays == 30 && youthTrained.filterCount == 3)
        #expect(try query(["--idle-days", "0"]).idleDays == 0)
        #expect(try refusal(["--step-done", "graduation"]) == "filters.error.stepDone")
        #expect(try refusal(["--idle-days=-3"]) == "filters.error.idleDays")
        #expect(throws: (any Error).self) { try ListCommand.parse(["--idle-days", "soon"]) }
    }

    @Test func theTableKeepsItsFirstColumnsAndEndsWithTheFollowUp() {
        #expect(Array(ListCommand.header.prefix(10)) == ["number", "family_name", "given_names", "sex", "age", "category",
                                                         "region", "cercle", "status", "assigned_to"])
        #expect(Array(ListCommand.header.suffix(2)) == ["overdue_steps", "gaps"])
    }
}
