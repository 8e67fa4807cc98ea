import Foundation
@testable import RetourCore
import RetourTestSupport

/// The files of a data directory, each replaced by the input in a copy of the sample
/// directory, then opened as `retour list` opens it and used as the case manager uses it.
enum StoreFileTarget {
    static func snapshot(_ input: [UInt8], sealed: Bool) {
        let sample = sealed ? Sample.sealed : Sample.plain
        let disk = sample.disk.copy()
        disk.remove(Sample.file(Store.Files.journal))
        disk.remove(Sample.file(Store.Files.index))
        let bytes = sealed ? seal(input, keepingFirst: 1, with: sample.sealing.bound(to: Store.Files.snapshot)) : input
        try? disk.place(bytes, at: Sample.file(Store.Files.snapshot))
        use(sample, disk)
    }

    static func journal(_ input: [UInt8], sealed: Bool) {
        let sample = sealed ? Sample.sealed : Sample.plain
        let disk = sample.disk.copy()
        let bytes = sealed ? seal(input, keepingFirst: 0, with: sample.sealing.bound(to: Store.Files.journal)) : input
        try? disk.place(bytes, at: Sample.file(Store.Files.journal))
        use(sample, disk)
    }

    /// The input is the index's body (sealed first when `sealed`), under the sample's header
    /// with the checksum of that body: the header is then believed, and the body read.
    static func index(_ input: [UInt8], sealed: Bool) {
        let sample = sealed ? Sample.sealed : Sample.plain
        let disk = sample.disk.copy()
        disk.remove(Sample.file(Store.Files.journal))
        let end = sample.index.firstIndex(of: 0x0A)!
        guard var header = try? LineDecoder().decode(IndexFile.Header.self, from: Data(sample.index[..<end])),
              let body = sealed ? try? sample.sealing.bound(to: Store.Files.index).seal(input) : input
        else { fatalError("the sample's index does not read") }
        header.checksum = IndexFile.checksum(body[...])
        guard let encoded = try? Store.encoder.encode(header) else { fatalError("the header does not encode") }
        try? disk.place(Array(encoded) + [0x0A] + body, at: Sample.file(Store.Files.index))
        use(sample, disk)
    }

    /// Opens the directory and reads it the ways the commands and screens do.
    static func use(_ sample: Sample, _ disk: SimulatedDisk) {
        guard let store = try? sample.open(disk) else { return }
        let book = store.book
        _ = CaseQuery(search: "ma").filter(book)
        _ = CaseQuery(region: "ML07", status: .active).filter(book)
        for digest in book.digests { _ = book.find(numberOf: digest.number) }
        // Every case decoded once (the digests may point anywhere), one duplicate search.
        if let cases = try? book.allCases(), let first = cases.first {
            _ = book.possibleDuplicates(of: first.profile, excluding: first.id)
        }
        _ = DataCheck.run(directory: Sample.directory, reference: Sample.reference, fileSystem: disk) { "" }
        withExtendedLifetime(store) {}
    }

    /// `input` with every line sealed but the first `kept` ones and those starting with `~`
    /// (kept without it), so that both what a sealed line holds and the framing around sealed
    /// lines are fuzzed. An unterminated last line stays unterminated.
    static func seal(_ input: [UInt8], keepingFirst kept: Int, with sealing: LineSealing) -> [UInt8] {
        var output: [UInt8] = []
        for (position, line) in input.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if position > 0 { output.append(0x0A) }
            if position < kept || line.isEmpty {
                output += line
            } else if line.first == UInt8(ascii: "~") {
                output += line.dropFirst()
            } else {
                output += (try? sealing.seal(Array(line))) ?? []
            }
        }
        return output
    }
}
