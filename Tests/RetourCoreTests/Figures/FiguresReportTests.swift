import Foundation
import Testing
@testable import RetourCore

/// The report for partners: the small-counts rule in every format, the HXL row, the targets
/// file refused with a message that names what is wrong, and the digest through the index.
@Suite("Figures report: <5 in every format, HXL, targets file, index")
struct FiguresReportTests {
    typealias T = ProgrammeFiguresTests

    static func report(_ language: Language = .en) throws -> FiguresReport {
        let (figures, _, _) = try T.figures()
        let catalog = try Catalog(language: language, assets: Assets.locate())
        return FiguresReport(figures, catalog: catalog, reference: T.reference, scope: "Scope: test")
    }

    @Test func countsFromOneToFourAreShownAsLessThanFive() throws {
        let report = try Self.report()
        #expect(report.smallCounts.threshold == 5, "the setting of Assets/settings.json")
        #expect(report.shown(.count(0)) == "0")
        #expect(report.shown(.count(1)) == "<5")
        #expect(report.shown(.count(4)) == "<5")
        #expect(report.shown(.count(5)) == "5")
        // A share of 1 to 4 people would point at them as well.
        #expect(report.shown(.percent(50, base: 2)) == "<5")
        #expect(report.shown(.percent(40, base: 5)) == "40.0")
        #expect(report.shown(.points(-12.345, base: 7)) == "-12.3")
    }

    @Test func everyFormatHidesTheSmallCounts() throws {
        let report = try Self.report()
        // The youth target: 2 achieved → <5; the figure 10 stays.
        let json = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        let tables = try #require(json["tables"] as? [[String: Any]])
        let targets = try #require(tables.first { $0["id"] as? String == "targets" })
        let rows = try #require(targets["rows"] as? [[String: Any]])
        #expect(rows[0]["target"] as? String == "youth_trained")
        #expect(rows[0]["achieved"] as? String == "<5")
        #expect(rows[0]["figure"] as? String == "10")
        // Safety: 5 people assessed, 40 % with full access: shown.
        let rights = try #require(tables.first { $0["id"] as? String == "rights" }?["rows"] as? [[String: Any]])
        #expect(rights[0]["assessed"] as? Int == 5)
        #expect(rights[0]["full"] as? Double == 40)
        // No count from 1 to 4 in the tables of counts: a number there is 0 or 5 and more.
        let countTables: Set<String> = ["targets", "caseload_region", "caseload_sex_age", "caseload_status", "months", "tracks", "steps"]
        for table in tables where countTables.contains(table["id"] as? String ?? "") {
            for row in table["rows"] as? [[String: Any]] ?? [] {
                for (key, value) in row where key != "figure" && key != "on_track" {
                    if let number = value as? Int { #expect(number == 0 || number >= 5, "\(key)") }
                }
            }
        }
        #expect(report.text().contains("<5"))
        #expect(report.markdown().contains("| Youth trained | <5 |"))
        let csv = report.csv(hxl: false)
        #expect(csv.contains("target.youth_trained,Youth trained,,,,,,,,,<5,10,<5\r\n"))
    }

    @Test func theCSVHasItsHXLHashtagsUnderTheHeader() throws {
        let lines = try Self.report().csv(hxl: true).components(separatedBy: "\r\n")
        #expect(lines[0] == "indicator_code,indicator,region,region_pcode,cercle,cercle_pcode,idps,refugees,female,male,reached,targeted,value")
        #expect(lines[1] == "#indicator+code,#indicator+name,#adm1+name,#adm1+code,#adm2+name,#adm2+code,#affected+idps,#affected+refugees,#affected+f,#affected+m,#reached,#targeted,#indicator+num")
        #expect(lines.contains { $0.hasPrefix("caseload,Cases registered,Gao,ML07,,,<5,<5,<5,<5,,,<5") })
        #expect(!(try Self.report().csv(hxl: false)).contains("#adm1"))
    }

    @Test func theMarkdownReportIsInTheUsersLanguage() throws {
        let french = try Self.report(.fr).markdown()
        #expect(french.hasPrefix("# Chiffres du programme\n\n- Période\u{A0}: du 01/04/2016 au 30/06/2016\n"))
        #expect(french.contains("## Cibles du programme"))
        // Safety: 5 assessed, 40 % full, 40 % partial, 20 % none; a decimal comma in French.
        #expect(french.contains("| 5 | 40,0 | 40,0 | 20,0 |"))
        let english = try Self.report(.en).markdown()
        #expect(english.hasPrefix("# Programme figures\n\n- Period: 2016-04-01 to 2016-06-30\n"))
        #expect(english.contains("| 5 | 40.0 | 40.0 | 20.0 |"))
    }

    @Test func theReportHoldsNoNameNorCaseNumber() throws {
        let (book, _) = try T.book()
        let report = try Self.report()
        let texts = [report.text(), report.markdown(), report.csv(hxl: true), String(decoding: try report.json(), as: UTF8.self)]
        for item in book.book.digests {
            for text in texts {
                #expect(!text.contains(item.familyName))
                #expect(!text.contains(item.number))
            }
        }
    }

    @Test func theAssetsTargetsLoadAndABadFileIsRefusedNamingTheTarget() throws {
        let targets = try ProgrammeTargets(assets: Assets.locate(), reference: T.reference)
        #expect(targets.targets.map(\.id) == ["youth_trained", "insertion_kits", "women_agr"])
        #expect(targets.targets[0].figure == 500 && targets.targets[0].ages == 15...35)
        #expect(targets.targets[2].label(.fr) == "Femmes vulnérables ayant démarré une AGR")
        func refusal(_ json: String) -> Message? {
            do {
                _ = try ProgrammeTargets(json: Data(json.utf8), reference: T.reference)
                return nil
            } catch let error as TargetsError {
                return error.message
            } catch {
                return Message("other")
            }
        }
        let programme = #""programme": { "start": "2016-01-01", "end": "2016-12-31" }"#
        #expect(refusal(#"{ \#(programme), "targets": [ { "id": "x", "label": { "fr": "X", "en": "X" }, "figure": 3, "counts": [ { "track": "women_agr", "step": "insertion_kit" } ] } ] }"#)
                == Message("targets.error.stepOfTrack", ["id": "x", "track": "women_agr", "step": "insertion_kit"]))
        #expect(refusal(#"{ \#(programme), "targets": [ { "id": "x", "label": { "fr": "X" }, "figure": 3, "counts": [ { "step": "training" } ] } ] }"#)
                == Message("targets.error.label", ["id": "x", "language": "en"]))
        #expect(refusal(#"{ \#(programme), "targets": [ { "id": "x", "label": { "fr": "X", "en": "X" }, "figure": 0, "counts": [ { "step": "training" } ] } ] }"#)
                == Message("targets.error.figure", ["id": "x"]))
        #expect(refusal(#"{ "programme": { "start": "2017-01-01", "end": "2016-12-31" }, "targets": [] }"#)
                == Message("targets.error.dates", ["start": "2017-01-01", "end": "2016-12-31"]))
        #expect(refusal("[]") == Message("targets.error.shape"))
        // Every refusal has its words in both languages.
        for language in Language.allCases {
            let catalog = try Catalog(language: language, assets: Assets.locate())
            for key in ["unreadable", "shape", "dates", "id", "duplicate", "label", "figure", "counts", "track", "stepOfTrack",
                        "step", "age", "sex", "fingerprint"] {
                #expect(catalog.keys.contains("targets.error.\(key)"), "\(language) \(key)")
            }
        }
    }

    @Test func theFiguresDigestGoesThroughTheIndexFileWhole() throws {
        let (book, _) = try T.book()
        for digest in book.book.digests {
            var out = BinaryWriter()
            digest.write(to: &out)
            var input = BinaryReader(out.buffer)
            let read = try CaseDigest(from: &input)
            #expect(read == digest)
            #expect(read.figures.steps.count == digest.figures.steps.count)
            #expect(input.isAtEnd)
        }
        #expect(IndexFile.version == 6)
        // D: closed on 2016-06-20 for a durable solution.
        let d = try #require(book.book.digests.first { $0.familyName == "NameD" })
        #expect(d.figures.closureReason == CodeFingerprint("durable_solution"))
        #expect(d.figures.closedAt.map { FigureDays.day($0, utcOffset: 0) } == T.day("2016-06-20").daysSinceEpoch)
        #expect(d.figures.access(CodeFingerprint("safety"), asOf: 20_160_630) == Access.none)
        #expect(d.figures.access(CodeFingerprint("safety"), asOf: 20_160_705) == .full)
        #expect(d.figures.access(CodeFingerprint("safety"), asOf: 20_160_531) == nil)
    }
}
