#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

/// Runs `body` with a new empty directory of its own, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("retour-test-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    return try body(root)
}

/// A profile that passes the rules, in Gao unless told otherwise.
func sampleProfile(_ familyName: String = "Maïga", _ givenNames: String = "Fatoumata",
                   region: String = "ML07", birthYear: Int? = 1980) -> CaseProfile {
    var profile = CaseProfile()
    profile.familyName = familyName
    profile.givenNames = givenNames
    profile.sex = .female
    profile.dateOfBirth = birthYear.flatMap { CalendarDate(year: $0, month: 3, day: 14) }
    profile.householdSize = 4
    profile.category = .idpReturnee
    profile.region = region
    return profile
}

/// Registers `profile` under the next number of `prefix` and returns the new case.
@discardableResult
func register(_ store: Store, _ profile: CaseProfile = sampleProfile(), prefix: String = "GAO",
              by author: String = "awa.traore") throws -> Case {
    let id = UUID()
    try store.commit(.register(id: id, number: store.book.nextNumber(prefix: prefix), profile: profile), as: .anyone(author))
    return try #require(store.book[id])
}

/// Opens a store, commits `count` registrations and lets it go without closing it, as a
/// session killed mid-work would: the changes stay in the journal, no snapshot is written.
func commitWithoutClosing(_ directory: URL, count: Int, prefix: String = "GAO") throws {
    let store = try Store(directory: directory)
    for index in 0..<count {
        try register(store, sampleProfile("Family\(index)", "Given\(index)"), prefix: prefix)
    }
    withExtendedLifetime(store) {}
}

func fileURL(_ directory: URL, _ name: String) -> URL {
    directory.appendingPathComponent(name)
}

func bytes(_ url: URL) throws -> [UInt8] {
    Array(try Data(contentsOf: url))
}

func write(_ bytes: [UInt8], to url: URL) throws {
    try Data(bytes).write(to: url)
}

func append(_ extra: [UInt8], to url: URL) throws {
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(extra))
}

/// The complete lines of a JSON-lines file, without their newlines.
func lines(_ url: URL) throws -> [String] {
    String(decoding: try bytes(url), as: UTF8.self).split(separator: "\n").map(String.init)
}

/// Replaces line `number` (from 1) of a JSON-lines file.
func replaceLine(_ number: Int, of url: URL, with text: String) throws {
    var all = try lines(url)
    all[number - 1] = text
    try write(Array((all.joined(separator: "\n") + "\n").utf8), to: url)
}

func permissions(_ path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}

/// Sets a file's modification time far in the past, so that any later write shows.
func ageModificationTime(_ url: URL) {
    var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
    _ = utimensat(AT_FDCWD, url.path, &times, 0)
}

/// Every entry under a directory: relative path → size, modification time and, for files,
/// contents. The session lock file is rewritten by every writer, so only its size counts.
struct DirectoryState: Equatable, CustomStringConvertible {
    struct Entry: Equatable {
        var size: Int
        var modified: Int
        var contents: [UInt8]?
    }

    var entries: [String: Entry] = [:]

    init(_ directory: URL) throws {
        let base = directory.path
        let enumerator = FileManager.default.enumerator(atPath: base)
        while let relative = enumerator?.nextObject() as? String {
            let path = base + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let isFile = (info.st_mode & S_IFMT) == S_IFREG
            let isLock = relative == Store.Files.lock
            entries[relative] = Entry(
                size: isFile ? Int(info.st_size) : 0,
                modified: isLock || !isFile ? 0 : Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec),
                contents: isFile && !isLock ? try bytes(URL(fileURLWithPath: path)) : nil)
        }
    }

    var description: String {
        entries.keys.sorted().map { "\($0) (\(entries[$0]!.size) bytes)" }.joined(separator: ", ")
    }
}

/// Expects `body` to throw a `StoreError` and returns it.
func expectStoreError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        Issue.record("expected a StoreError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

let testAssets: Assets? = try? Assets.locate()

extension CaseBook {
    /// A change made by its author in a book without users (where anyone may make any).
    mutating func apply(_ entry: JournalEntry) throws {
        try apply(entry, as: .anyone(entry.by))
    }

    @discardableResult
    func check(_ entry: JournalEntry) throws -> CheckedChange {
        try check(entry, as: .anyone(entry.by))
    }
}
