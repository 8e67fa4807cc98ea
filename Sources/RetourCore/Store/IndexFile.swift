import Crypto
import Foundation

/// The index beside the snapshot: every case's digest and where its line lies, so that opening
/// a data directory reads this small file instead of decoding every case.
///
///     {"count":2,"format":"retour-index","generation":"…","schemaVersion":1,"snapshotSize":6142}
///     <binary digests, sealed like every other line when the directory is encrypted>
///
/// It is a cache: it is trusted only when it names the snapshot's generation and size, and is
/// rebuilt from the snapshot when missing, stale or damaged. Losing it costs time, never data.
enum IndexFile {
    static let format = "retour-index"
    static let version = 6

    struct Header: Codable {
        var format: String
        var schemaVersion: Int
        var generation: String
        var snapshotSize: Int
        /// The snapshot's modification time when the index was written: an edit by hand that
        /// keeps the size still makes the index stale.
        var snapshotModified: [Int]
        var count: Int
        /// Sealed like the snapshot's lines.
        var sealed: Bool?
        /// SHA-256 of the body as stored: a damaged plain index is never half believed.
        var checksum: String
    }

    static func encode(_ contents: SnapshotFile.Contents, snapshotSize: Int, snapshotModified: [Int],
                       sealing: LineSealing) throws -> [UInt8] {
        var body = BinaryWriter()
        body.int(contents.digests.count)
        for digest in contents.digests {
            guard let location = contents.locations[digest.id] else { continue }
            digest.write(to: &body)
            body.int(location.offset)
            body.int(location.length)
            body.int(location.line)
        }
        body.int(contents.setAside.count)
        for aside in contents.setAside {
            body.string(aside.number)
            body.string(aside.reason)
            body.string(aside.detail)
            body.int(aside.location.offset)
            body.int(aside.location.length)
            body.int(aside.location.line)
        }
        let stored = try sealing.seal(body.buffer)
        let header = Header(format: format, schemaVersion: version, generation: contents.header.generation ?? "",
                            snapshotSize: snapshotSize, snapshotModified: snapshotModified, count: contents.digests.count,
                            sealed: sealing.isEncrypted ? true : nil, checksum: checksum(stored[...]))
        var bytes = try Store.encoder.bytes(header)
        bytes.append(0x0A)
        bytes.append(contentsOf: stored)
        return bytes
    }

    /// The snapshot's contents as the index gives them, or nil when the index does not belong
    /// to this snapshot (`header`, `snapshotSize`) or does not read whole.
    static func decode(_ bytes: [UInt8], snapshot header: SnapshotFile.Header, snapshotSize: Int,
                       snapshotModified: [Int], sealing: LineSealing) -> SnapshotFile.Contents? {
        guard let end = bytes.firstIndex(of: 0x0A),
              let indexHeader = try? LineDecoder().decode(Header.self, from: Data(bytes[..<end])),
              indexHeader.format == format, indexHeader.schemaVersion == version,
              let generation = header.generation, indexHeader.generation == generation,
              indexHeader.snapshotSize == snapshotSize, indexHeader.snapshotModified == snapshotModified,
              (indexHeader.sealed == true) == sealing.isEncrypted,
              indexHeader.checksum == checksum(bytes[(end + 1)...]),
              let body = try? sealing.open(bytes[(end + 1)...]) else { return nil }
        var input = BinaryReader(body)
        var contents = SnapshotFile.Contents(header: header)
        do {
            let count = try input.int()
            guard count >= 0, count <= input.remaining else { return nil }
            contents.digests.reserveCapacity(count)
            contents.locations.reserveCapacity(count)
            for _ in 0..<count {
                let digest = try CaseDigest(from: &input)
                let location = try self.location(&input, within: snapshotSize)
                guard contents.locations.updateValue(location, forKey: digest.id) == nil else { return nil }
                contents.digests.append(digest)
            }
            let asideCount = try input.int()
            guard asideCount >= 0, asideCount <= input.remaining else { return nil }
            for _ in 0..<asideCount {
                let number = try input.string()
                let reason = try input.string()
                let detail = try input.string()
                contents.setAside.append(SetAsideLine(number: number, reason: reason, detail: detail,
                                                      location: try location(&input, within: snapshotSize)))
            }
        } catch {
            return nil
        }
        guard input.isAtEnd, contents.digests.count + contents.setAside.count == header.count,
              Set(contents.digests.map(\.number)).count == contents.digests.count else { return nil }
        return contents
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    private static func location(_ input: inout BinaryReader, within size: Int) throws -> SnapshotLines.Location {
        let offset = try input.int(), length = try input.int(), line = try input.int()
        // `length < size - offset` rather than `offset + length < size`: values read from the
        // file may be anything, and their sum must not overflow.
        guard offset > 0, length > 0, offset < size, length < size - offset, line > 1 else { throw BinaryReader.Malformed() }
        return SnapshotLines.Location(offset: offset, length: length, line: line)
    }
}
