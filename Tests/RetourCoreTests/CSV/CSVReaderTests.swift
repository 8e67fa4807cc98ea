#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RetourCore

@Suite("CSV reader: records, rows and limits")
struct CSVReaderTests {
    typealias F = CSVFixtures

    static let small = CSVReader.Limits(fieldBytes: 8, recordBytes: 20, columns: 4, rows: 3, fileBytes: 100)

    func records(_ text: String, limits: CSVReader.Limits = .standard) throws -> [CSVReader.Record] {
        let reader = try CSVReader(data: Data(text.utf8), limits: limits)
        var records: [CSVReader.Record] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    func failure(_ text: String, limits: CSVReader.Limits = .standard) -> CSVText.Failure? {
        do {
            _ = try records(text, limits: limits)
            return nil
        } catch {
            return error as? CSVText.Failure
        }
    }

    @Test func separatorIsDetectedOutsideQuotesInTheHeaderOnly() throws {
        #expect(try CSVReader(data: Data("\"a,b,c\";d;e\nx,y,z,w,v,u".utf8)).separator == ";")
        #expect(try CSVReader(data: Data("a,b;c,d\n;;;;;;".utf8)).separator == ",")
        #expect(try CSVReader(data: Data("sep=;\na,b,c".utf8)).separator == ";")
    }

    @Test func lineEndsOfEveryKindAndRowsCountedAsTheSpreadsheetShowsThem() throws {
        let read = try records("a;b\r\n1;\"x\ny\"\r2;3\n\n4;\"\"\"q\"\"\"")
        #expect(read.map(\.row) == [1, 2, 3, 4, 5])
        #expect(read.map(\.fields) == [["a", "b"], ["1", "x\ny"], ["2", "3"], [""], ["4", "\"q\""]])
    }

    @Test func aSeparatorLineNamingAnotherSeparatorIsRefused() {
        #expect(failure("sep=|\na|b") == .separatorLine("sep=|"))
    }

    @Test func eachLimitIsOneFailureNamingTheRow() {
        #expect(failure("a;b\n123456789;x", limits: Self.small) == .fieldTooLong(row: 2, column: "a", limit: 8))
        #expect(failure("a;b\n\"1;2;3;4;5;6", limits: Self.small) == .quoteNotClosedWithin(row: 2, column: "a", limit: 8))
        #expect(failure("a;b\n1;2;3;4;5", limits: Self.small) == .tooManyColumns(row: 2, limit: 4))
        #expect(failure("a;b\n1234567;1234567;1234567", limits: Self.small) == .recordTooLong(row: 2, limit: 20))
        #expect(failure("a\n1\n2\n3\n", limits: Self.small) == nil)
        #expect(failure("a\n1\n2\n3\n4\n", limits: Self.small) == .tooManyRows(limit: 3))
        #expect(failure(String(repeating: "a\n", count: 51), limits: Self.small) == .tooLarge(limit: 100))
        #expect(failure("a;b\n\"x", limits: Self.small) == .unclosedQuote(row: 2, column: "a"))
    }

    @Test func bytesThatAreNotUTF8AreRefused() throws {
        let reader = try CSVReader(data: Data([0x61, 0x3B, 0x62, 0x0A, 0xC3, 0x3B, 0x78]))
        #expect(try reader.next()?.fields == ["a", "b"])
        #expect(throws: CSVText.Failure.notUTF8) { try reader.next() }
    }

    @Test func aFileIsReadInChunksAsItsBytesWouldBe() throws {
        try F.withDirectory { root throws in
            // Records cut across the 64 KB reads, quoted line breaks included.
            var text = "nom;prénoms;note\r\n"
            for index in 0..<3_000 { text += "Maïga\(index);\"Aïs\"\"sata\r\n\(index)\";\(String(repeating: "é", count: index % 50))\r\n" }
            let file = root.appendingPathComponent("people.csv")
            try Data(CSVText.byteOrderMark + Array(text.utf8)).write(to: file)
            let fromFile = try CSVReader(file: file)
            let fromData = try CSVReader(data: try Data(contentsOf: file))
            var count = 0
            while let record = try fromFile.next() {
                #expect(try fromData.next() == record)
                count += 1
            }
            #expect(try fromData.next() == nil)
            #expect(count == 3_001)
            #expect(fromFile.separator == ";")
        }
    }

    @Test func aFileLargerThanTheLimitIsRefusedBeforeReading() throws {
        try F.withDirectory { root throws in
            let file = root.appendingPathComponent("people.csv")
            try Data(repeating: UInt8(ascii: "a"), count: 101).write(to: file)
            #expect(throws: CSVText.Failure.tooLarge(limit: 100)) { try CSVReader(file: file, limits: Self.small) }
        }
    }

    @Test func whatIsNotARegularFileIsRefusedBeforeReading() throws {
        try F.withDirectory { root throws in
            let fifo = root.appendingPathComponent("pipe.csv")
            #expect(mkfifo(fifo.path, 0o600) == 0)
            for path in [fifo.path, root.path, "/dev/zero", "/dev/urandom", "/dev/null"] {
                #expect(throws: CSVText.Failure.notRegularFile(file: path)) { try CSVReader(file: URL(fileURLWithPath: path)) }
            }
            #expect(F.english.text(CSVText.Failure.notRegularFile(file: "/dev/zero").message)
                == "/dev/zero is not a regular file (it is a folder, a device or a pipe); nothing was imported.")
        }
    }

    @Test func theWriterQuotesOnlyWhereNeededAndReadsBackTheSameBytes() throws {
        let records = [["a", "b;c", "d\"e", "f\ng", "h\r\ni", " j ", ""], ["Cisse\u{301}", "\u{FEFF}x", "'=1"]]
        let bytes = CSVText.encode(records, separator: ";", byteOrderMark: true)
        #expect(String(decoding: bytes.dropFirst(3), as: UTF8.self)
            == "a;\"b;c\";\"d\"\"e\";\"f\ng\";\"h\r\ni\"; j ;\r\nCisse\u{301};\u{FEFF}x;'=1\r\n")
        let reader = try CSVReader(data: bytes)
        #expect(try reader.next()?.fields.map { Array($0.utf8) } == records[0].map { Array($0.utf8) })
        #expect(try reader.next()?.fields.map { Array($0.utf8) } == records[1].map { Array($0.utf8) })
        #expect(try reader.next() == nil)
    }
}
