#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

/// Real assets, a fixed day and small builders for the import, export, query and check tests.
enum CSVFixtures {
    static let assets: Assets = try! Assets.locate()
    static let reference: Reference = try! Reference(assets: assets)
    static let french: Catalog = try! Catalog(language: .fr, assets: assets)
    static let english: Catalog = try! Catalog(language: .en, assets: assets)
    /// Dates in the files are checked against this day, so that "future" does not drift.
    static let today = CalendarDate(year: 2016, month: 6, day: 30)!

    /// A new empty directory, removed after `body`.
    static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("retour-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        return try body(root)
    }

    /// `lines` as file bytes.
    static func file(_ lines: [String], bom: Bool = false, crlf: Bool = false) -> Data {
        let text = lines.joined(separator: crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")
        return Data((bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8))
    }

    static func plan(_ lines: [String], book: CaseBook = CaseBook(), options: CSVImport.Options = .init(),
                     bom: Bool = false, crlf: Bool = false) throws -> ImportPlan {
        try CSVImport.plan(data: file(lines, bom: bom, crlf: crlf), reference: reference, book: book,
                           today: today, options: options)
    }

    static let header = "nom;prénoms;sexe;date_naissance;catégorie;région;cercle;village"

    static func profile(_ family: String, _ given: String, region: String = "ML07", cercle: String = "",
                        born: Int? = 1980) -> CaseProfile {
        var profile = CaseProfile()
        profile.familyName = family
        profile.givenNames = given
        profile.sex = .female
        profile.dateOfBirth = born.flatMap { CalendarDate(year: $0, month: 5, day: 1) }
        profile.category = .idpReturnee
        profile.region = region
        profile.cercle = cercle
        return profile
    }

    @discardableResult
    static func register(_ store: Store, _ profile: CaseProfile, prefix: String = "GAO") throws -> Case {
        let id = UUID()
        try store.commit(.register(id: id, number: store.book.nextNumber(prefix: prefix), profile: profile), as: .anyone("test"))
        return try #require(store.book[id])
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}
