#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What marks a data directory as a demonstration office (`retour demo`): fictitious people
/// made from a seed. It is the directory's first change (`Change.markDemo`), and a field of its
/// snapshot's header once the journal is folded: the mark lives in the directory's own files,
/// not in its name, so a renamed or copied demo is still a demo.
public struct DemoMark: Codable, Hashable, Sendable {
    /// The seed the people were made from: `retour demo --reset` makes them again from it.
    public var seed: UInt64
    /// How many people were made.
    public var cases: Int

    /// Every user's PIN in a demonstration office: shown on its sign-in screen, the one place
    /// a PIN is ever shown.
    public static let pin = "demo1234"

    public init(seed: UInt64, cases: Int) {
        self.seed = seed
        self.cases = cases
    }

    /// The mark of the data directory at `directory`, read from its files without opening
    /// the store (no lock taken, nothing written): the snapshot's header, else the journal's
    /// first line. Nil for a real directory, a missing one, or one that cannot be read.
    public static func read(directory: URL) -> DemoMark? {
        if let line = firstLine(of: directory.appendingPathComponent(Store.Files.snapshot).path) {
            struct Header: Decodable { var demo: DemoMark? }
            if let mark = (try? LineDecoder().decode(Header.self, from: line))?.demo { return mark }
        }
        if let line = firstLine(of: directory.appendingPathComponent(Store.Files.journal).path),
           let entry = try? LineDecoder().decode(JournalEntry.self, from: line),
           case .markDemo(let mark) = entry.change {
            return mark
        }
        return nil
    }

    /// The first line of the regular file at `path` (not followed when it is a link, not waited
    /// for when it is a pipe); nil when there is none or it is not a regular file.
    private static func firstLine(of path: String) -> Data? {
        // Not blocking: a pipe at one of these names must not stop every command.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while collected.count < SnapshotFile.maximumHeaderLength {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            if let end = buffer[..<count].firstIndex(of: 0x0A) {
                collected += buffer[..<end]
                return Data(collected)
            }
            collected += buffer[..<count]
        }
        return collected.isEmpty ? nil : Data(collected)
    }
}
