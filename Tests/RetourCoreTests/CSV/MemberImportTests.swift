import Foundation
import Testing
@testable import RetourCore

@Suite("Import: household members")
struct MemberImportTests {
    typealias F = CSVFixtures

    static let labels = [F.french, F.english]

    private func plan(_ lines: [String], store: Store, as clearance: Clearance = .anyone("awa"),
                      options: CSVImport.Options = .init()) throws -> MemberImport.Plan {
        try MemberImport.plan(reader: CSVReader(data: F.file(lines)), reference: F.reference, book: store.book,
                              clearance: clearance, today: F.today, options: options, labels: Self.labels)
    }

    private func reasons(_ plan: MemberImport.Plan) -> [[String]] {
        plan.problems.map { [String($0.row), $0.column ?? "", $0.reason.key] }
    }

    @Test func frenchHeadersAndLabelsAddMembersToTheirCasesAsOneBatch() throws {
        try F.withDirectory { root in
            let store = try Store(directory: root)
            let maiga = try F.register(store, F.profile("Maïga", "Aïssata"))
            let toure = try F.register(store, F.profile("Touré", "Hamadoun"))
            let plan = try plan([
                "Numéro dossier;Prénoms;Nom;Sexe;Date naissance;Âge;Lien;Vulnérabilités;Note",
                "\(maiga.number.lowercased());Fatoumata;;F;2010;;enfant;Handicap;École à Gao",
                "\(toure.number);Hamadi;Cissé;homme;;34;conjoint(e);;",
                "\(maiga.number);Oumar;;M;12/03/2012;;child;disability|no_shelter;",
            ], store: store)
            #expect(plan.problems.isEmpty, "\(plan.problems)")
            let seq = store.book.seq
            let result = try MemberImport.run(plan, store: store, catalog: F.english, clearance: .anyone("awa"),
                                              rejectedFile: nil)
            #expect(result.imported.count == 3)
            #expect(result.cases == [maiga.number, toure.number])
            // One batch: three changes, the last one ending it.
            #expect(store.book.seq == seq + 3)
            let first = try #require(store.book[maiga.id])
            #expect(first.members.map(\.givenNames) == ["Fatoumata", "Oumar"])
            #expect(first.members[0].yearOfBirth == 2010)
            #expect(first.members[0].relationship == .child)
            #expect(first.members[0].vulnerabilities == ["disability"])
            #expect(first.members[0].note == "École à Gao")
            #expect(first.members[1].dateOfBirth == CalendarDate(year: 2012, month: 3, day: 12))
            #expect(first.members[1].vulnerabilities == ["disability", "no_shelter"])
            #expect(first.profile.householdSize == 3)
            let second = try #require(store.book[toure.id])
            #expect(second.members.first?.familyName == "Cissé")
            #expect(second.members.first?.relationship == .spouse)
            #expect(second.members.first?.sex == .male)
            #expect(second.members.first?.ageEstimate?.years == 34)
        }
    }

    @Test func eachRowProblemIsSaidByRowAndColumnAndNothingIsSaved() throws {
        try F.withDirectory { root in
            let store = try Store(directory: root)
            let maiga = try F.register(store, F.profile("Maïga", "Aïssata"))
            let plan = try plan([
                "case_number,given_names,sex,date_of_birth,age,relationship,vulnerabilities,note",
                "GAO-999999,Awa,F,,,child,,",
                "\(maiga.number),,F,,,child,,",
                "\(maiga.number),Awa,X,2030,abc,cousin,jumping,",
                "\(maiga.number),Awa,F,2001,40,child,,",
                "\u{1B}]52;c;aGVsbG8=\u{07},Awa,F,,,child,,",
                "\(maiga.number),Awa\u{1B}[2J,F,,,child,,",
                "\(maiga.number),Binta,F,,,child,,",
            ], store: store)
            #expect(reasons(plan) == [
                ["2", "case_number", "import.members.unknownCase"],
                ["3", "given_names", "invalid.required"],
                ["4", "sex", "invalid.sex"],
                ["4", "relationship", "import.members.relationship"],
                ["4", "date_of_birth", "invalid.future"],
                ["4", "age", "invalid.age"],
                ["4", "vulnerabilities", "invalid.vulnerability"],
                ["5", "age", "invalid.ageMismatch"],
                ["6", "case_number", "invalid.control"],
                ["7", "given_names", "invalid.control"],
            ])
            #expect(plan.accepted.map(\.row) == [8])
            #expect(plan.isBlocked)
            let seq = store.book.seq
            let result = try MemberImport.run(plan, store: store, catalog: F.english, clearance: .anyone("awa"), rejectedFile: nil)
            #expect(result.imported.isEmpty)
            #expect(store.book.seq == seq, "all or nothing")
            #expect(F.english.text(plan.problems[0].reason).contains("GAO-999999"))
        }
    }

    @Test func skipInvalidSavesTheValidRowsAndWritesTheOthersWithTheirReason() throws {
        try F.withDirectory { root in
            let store = try Store(directory: root)
            let maiga = try F.register(store, F.profile("Maïga", "Aïssata"))
            let plan = try plan([
                "numero_dossier;prenoms;lien",
                "\(maiga.number);Awa;enfant",
                "\(maiga.number);Binta;tante",
            ], store: store, options: .init(skipInvalid: true))
            let rejected = root.appendingPathComponent("membres.rejected.csv")
            let result = try MemberImport.run(plan, store: store, catalog: F.french, clearance: .anyone("awa"), rejectedFile: rejected)
            #expect(result.imported.map(\.givenNames) == ["Awa"])
            #expect(F.mode(rejected.path) == 0o600)
            let text = String(decoding: try Data(contentsOf: rejected), as: UTF8.self)
            #expect(text.contains("numero_dossier;prenoms;lien;reason"))
            #expect(text.contains("\(maiga.number);Binta;tante;\"lien : lien inconnu"))
        }
    }

    @Test func aHouseholdHoldsAtMostTheMaximumCountingTheMembersAlreadyThere() throws {
        try F.withDirectory { root in
            let store = try Store(directory: root)
            let maiga = try F.register(store, F.profile("Maïga", "Aïssata"))
            for index in 1...(HouseholdMember.maximumCount - 1) {
                try store.commit(.saveMember(id: maiga.id, member: HouseholdMember(id: UUID(), givenNames: "Enfant \(index)",
                                                                                   sex: nil, relationship: .child)),
                                 as: .anyone("awa"))
            }
            let plan = try plan(["case_number;given_names;relationship", "\(maiga.number);Awa;child", "\(maiga.number);Binta;child"],
                                store: store)
            #expect(reasons(plan) == [["3", "", "error.change.householdFull"]])
            #expect(plan.accepted.map(\.row) == [2])
        }
    }

    @Test func aCaseOutsideTheImportersCaseloadIsARowProblem() throws {
        try F.withDirectory { root in
            let office = try Office(root.appendingPathComponent("data"))
            let worker = try office.clearance("w.tbk")
            let plan = try MemberImport.plan(
                reader: CSVReader(data: F.file(["case_number;given_names;relationship",
                                                "\(office.numbers["A"]!);Awa;child", "\(office.numbers["B"]!);Binta;child"])),
                reference: F.reference, book: office.store.book, clearance: worker, today: F.today)
            #expect(reasons(plan) == [["2", "", "error.access.outsideCaseload"]])
            #expect(plan.accepted.map(\.row) == [3])
        }
    }

    @Test func aHeaderWithoutTheCaseNumberIsRefusedWhole() throws {
        try F.withDirectory { root in
            let store = try Store(directory: root)
            #expect(throws: MemberImport.Columns.Failure.missing([.caseNumber])) {
                try plan(["prenoms;lien", "Awa;enfant"], store: store)
            }
        }
    }

    /// An export's members.csv re-imports: the cases exported are imported into a new data
    /// directory (same order, same numbers), then their members; exported again, every column
    /// but the members' new ids is the same.
    @Test func anExportsMembersFileReimports() throws {
        try F.withDirectory { root in
            let original = try Store(directory: root.appendingPathComponent("original"))
            let maiga = try F.register(original, F.profile("Maïga", "Aïssata"))
            let toure = try F.register(original, F.profile("Touré", "Hamadoun"))
            try F.register(original, F.profile("Cissé", "Oumar"))
            let members = [
                (maiga.id, HouseholdMember(id: UUID(), givenNames: "Fatoumata", sex: .female, yearOfBirth: 2010, relationship: .child,
                                           vulnerabilities: ["disability"], note: "Première ligne\nseconde ligne")),
                (maiga.id, HouseholdMember(id: UUID(), givenNames: "Oumar", familyName: "Ag Mohamed", sex: .male,
                                           dateOfBirth: CalendarDate(year: 1975, month: 1, day: 31), relationship: .spouse)),
                (toure.id, HouseholdMember(id: UUID(), givenNames: "Zeïnabou", sex: nil,
                                           ageEstimate: AgeEstimate(years: 70, asOf: F.today), relationship: .parent,
                                           vulnerabilities: ["older_person", "chronic_illness"], note: "=SOMME(A1)")),
                (toure.id, HouseholdMember(id: UUID(), givenNames: "Ali", sex: .male, relationship: .otherRelative)),
            ]
            for (id, member) in members { try original.commit(.saveMember(id: id, member: member), as: .anyone("awa")) }
            let cases = try original.book.allCases()
            let casesCSV = try CSVExport.csv(.cases, cases, reference: F.reference, today: F.today)
            let membersCSV = try CSVExport.csv(.members, cases, reference: F.reference, today: F.today)

            let copy = try Store(directory: root.appendingPathComponent("copy"))
            let people = try CSVImport.plan(data: casesCSV, reference: F.reference, book: copy.book, today: F.today)
            try CSVImport.apply(people, to: copy, reference: F.reference, as: .anyone("awa"))
            let plan = try MemberImport.plan(reader: CSVReader(data: membersCSV), reference: F.reference, book: copy.book,
                                             clearance: .anyone("awa"), today: F.today, labels: Self.labels)
            #expect(plan.problems.isEmpty, "\(plan.problems)")
            #expect(plan.warnings.map(\.key) == ["import.warning.managedColumns"])
            let result = try MemberImport.run(plan, store: copy, catalog: F.english, clearance: .anyone("awa"), rejectedFile: nil)
            #expect(result.imported.count == members.count)

            func withoutIDs(_ data: Data) throws -> [[String]] {
                let reader = try CSVReader(data: data)
                var records: [[String]] = []
                while let record = try reader.next() { records.append(record.fields.enumerated().filter { $0.offset != 1 }.map(\.element)) }
                return records
            }
            let again = try CSVExport.csv(.members, try copy.book.allCases(), reference: F.reference, today: F.today)
            #expect(try withoutIDs(again) == withoutIDs(membersCSV))
            #expect(try withoutIDs(again).count == members.count + 1)
        }
    }
}
