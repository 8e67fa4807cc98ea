#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads CSV as spreadsheets write it, record by record, from a file read 64 KB at a time or
/// from bytes already in memory: UTF-8 with or without a byte-order mark; `,` or `;` between
/// fields (Excel's `sep=;` first line says which, else the header decides); CRLF, LF or CR;
/// quoted fields holding separators, doubled quotes and line breaks.
///
/// ```swift
/// let reader = try CSVReader(file: url)   // refuses a folder, a device or a pipe before reading
/// while let record = try reader.next() {
///     print(record.row, record.fields)     // row 1 is the header
/// }
/// ```
///
/// Whatever the input, memory and time stay bounded: every record, field, column count, row
/// count and file size has a maximum (`Limits.standard`); past one, `next` throws a
/// `CSVText.Failure` naming the row (and column) — one line, nothing else read.
///
/// Rows are numbered as a spreadsheet shows them: the header is row 1 (a `sep=` line is not a
/// row), a record with line breaks inside quotes is one row, an empty line is a row.
/// Text after a closing quote is kept, as spreadsheets keep it: `"Ami"nata` reads `Aminata`;
/// a quote inside an unquoted field is an ordinary character. Cells are returned exactly as
/// written (no trimming, no normalisation), so that the rejected rows can be written back whole.
public final class CSVReader {
    /// The maxima of what is read.
    public struct Limits: Hashable, Sendable {
        /// Bytes of one field: Excel's longest cell (32 767 characters) in any script.
        public var fieldBytes: Int
        /// Bytes of one record, line breaks inside quotes included.
        public var recordBytes: Int
        /// Fields of one record: Excel's widest sheet.
        public var columns: Int
        /// Records after the header.
        public var rows: Int
        /// Bytes of the whole file.
        public var fileBytes: Int

        public init(fieldBytes: Int, recordBytes: Int, columns: Int, rows: Int, fileBytes: Int) {
            self.fieldBytes = fieldBytes
            self.recordBytes = recordBytes
            self.columns = columns
            self.rows = rows
            self.fileBytes = fileBytes
        }

        /// Generous for real files: a 100 000-row KoboToolbox export is a few hundred MB.
        public static let standard = Limits(fieldBytes: 128 << 10, recordBytes: 2 << 20, columns: 16_384,
                                            rows: 1_000_000, fileBytes: 1 << 30)
    }

    /// One record: its spreadsheet row and its fields as written.
    public struct Record: Hashable, Sendable {
        public let row: Int
        public let fields: [String]
    }

    public let limits: Limits
    /// The separator of the fields, `,` or `;`.
    public private(set) var separator: Character = ","

    /// Bytes read and not yet parsed start at `position`.
    private var buffer: [UInt8]
    private var position = 0
    /// The file read from, and its name for errors; -1 when the bytes were given.
    private let descriptor: Int32
    private var name = ""
    private var endOfInput: Bool
    /// Bytes taken from the input so far, and its size when it was opened: what a progress
    /// line counts while the records are read.
    public private(set) var bytesRead = 0
    public private(set) var size = 0
    private var row = 0
    private var separatorByte = UInt8(ascii: ",")
    /// The header's fields, to name the column of a problem.
    private var header: [String]?

    static let chunkSize = 64 << 10
    /// Appended to the buffer to make room for a read: an array appends as one copy.
    private static let room = [UInt8](repeating: 0, count: chunkSize)
    private static let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    /// Reads `data`, already in memory.
    public init(data: Data, limits: Limits = .standard) throws {
        self.limits = limits
        descriptor = -1
        endOfInput = true
        guard data.count <= limits.fileBytes else { throw CSVText.Failure.tooLarge(limit: limits.fileBytes) }
        buffer = [UInt8](data)
        size = buffer.count
        bytesRead = size
        try readPreamble()
    }

    /// Opens `file` for reading, refusing what is not a regular file (a folder, a device such
    /// as `/dev/zero`, a pipe) or is larger than the limit, before reading anything; then
    /// reads the preamble (byte-order mark, `sep=` line, the header's separator).
    public init(file: URL, limits: Limits = .standard) throws {
        self.limits = limits
        endOfInput = false
        buffer = []
        // Non-blocking, so that opening a pipe does not wait for a writer.
        let fd = try Posix.open(file.path, O_RDONLY | O_NONBLOCK | O_NOCTTY, name: file.path, operation: .read)
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw FileError(operation: .read, file: file.path, code: code)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            Glibc.close(fd)
            throw CSVText.Failure.notRegularFile(file: file.path)
        }
        guard Int(info.st_size) <= limits.fileBytes else {
            Glibc.close(fd)
            throw CSVText.Failure.tooLarge(limit: limits.fileBytes)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        descriptor = fd
        name = file.path
        size = Int(info.st_size)
        try readPreamble()
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// The next record, or nil at the end of the input.
    public func next() throws -> Record? {
        guard var byte = try nextByte() else { return nil }
        row += 1
        guard row <= limits.rows + 1 else { throw CSVText.Failure.tooManyRows(limit: limits.rows) }
        var fields: [String] = []
        var field: [UInt8] = []
        var recordBytes = 0
        var state = State.fieldStart

        func endField() throws {
            guard let text = String(validating: field, as: UTF8.self) else { throw CSVText.Failure.notUTF8 }
            guard fields.count < limits.columns else { throw CSVText.Failure.tooManyColumns(row: row, limit: limits.columns) }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }

        reading: while true {
            recordBytes += 1
            guard recordBytes <= limits.recordBytes else { throw CSVText.Failure.recordTooLong(row: row, limit: limits.recordBytes) }
            switch state {
            case .fieldStart where byte == Self.quote:
                state = .quoted
            case .quoted:
                if byte == Self.quote { state = .closed } else { field.append(byte) }
            case .closed where byte == Self.quote:
                field.append(byte)
                state = .quoted
            default:
                if byte == separatorByte {
                    try endField()
                    state = .fieldStart
                } else if byte == Self.lineFeed {
                    break reading
                } else if byte == Self.carriageReturn {
                    if try peekByte() == Self.lineFeed { position += 1 }
                    break reading
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            }
            if field.count > limits.fieldBytes {
                let column = columnName(fields.count)
                throw state == .quoted
                    ? CSVText.Failure.quoteNotClosedWithin(row: row, column: column, limit: limits.fieldBytes)
                    : CSVText.Failure.fieldTooLong(row: row, column: column, limit: limits.fieldBytes)
            }
            guard let next = try nextByte() else {
                if state == .quoted { throw CSVText.Failure.unclosedQuote(row: row, column: columnName(fields.count)) }
                break reading
            }
            byte = next
        }
        try endField()
        if row == 1 { header = fields }
        return Record(row: row, fields: fields)
    }

    private enum State {
        /// Nothing read of this field yet: a quote here opens a quoted field.
        case fieldStart
        case unquoted
        case quoted
        /// Just after the quote that closed a quoted field: a second quote is a doubled one.
        case closed
    }

    /// The header's name of the column at `index`, or its number when the header has none.
    private func columnName(_ index: Int) -> String {
        if let header, index < header.count, !header[index].trimmingCharacters(in: .whitespaces).isEmpty {
            return CSVText.shown(header[index])
        }
        return String(index + 1)
    }

    /// Skips the byte-order mark and a `sep=` line, and chooses the separator.
    private func readPreamble() throws {
        if try peek(3) == CSVText.byteOrderMark { position += 3 }
        let line = try peek(7)
        if line.count >= 5, String(decoding: line.prefix(4), as: UTF8.self).lowercased() == "sep=",
           line.count == 5 || line[5] == Self.carriageReturn || line[5] == Self.lineFeed {
            guard line[4] == UInt8(ascii: ",") || line[4] == UInt8(ascii: ";") else {
                throw CSVText.Failure.separatorLine(String(decoding: line.prefix(5), as: UTF8.self))
            }
            separatorByte = line[4]
            position += 5
            if try peekByte() == Self.carriageReturn { position += 1 }
            if try peekByte() == Self.lineFeed { position += 1 }
        } else {
            separatorByte = try headerSeparator()
        }
        separator = Character(Unicode.Scalar(separatorByte))
    }

    /// `;` when the header line (up to the first line break outside quotes) holds more
    /// semicolons than commas outside quotes, else `,`. Reads ahead without consuming.
    private func headerSeparator() throws -> UInt8 {
        var commas = 0, semicolons = 0, quoted = false, offset = 0
        scanning: while offset < limits.recordBytes, let byte = try peekByte(at: offset) {
            switch byte {
            case Self.quote: quoted.toggle()
            case UInt8(ascii: ",") where !quoted: commas += 1
            case UInt8(ascii: ";") where !quoted: semicolons += 1
            case Self.lineFeed where !quoted, Self.carriageReturn where !quoted: break scanning
            default: break
            }
            offset += 1
        }
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    @inline(__always)
    private func nextByte() throws -> UInt8? {
        if position == buffer.count {
            guard try fill() else { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private func peekByte(at offset: Int = 0) throws -> UInt8? {
        while position + offset >= buffer.count {
            guard try fill() else { return nil }
        }
        return buffer[position + offset]
    }

    /// Up to `count` bytes from the current position, fewer at the end of the input.
    private func peek(_ count: Int) throws -> [UInt8] {
        while buffer.count - position < count {
            guard try fill() else { break }
        }
        return Array(buffer[position..<min(buffer.count, position + count)])
    }

    /// Reads the next chunk of the file after the unread bytes; false at its end.
    private func fill() throws -> Bool {
        guard !endOfInput else { return false }
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        let start = buffer.count
        buffer.append(contentsOf: Self.room)
        var count = 0
        repeat {
            count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + start, Self.chunkSize) }
        } while count < 0 && errno == EINTR
        guard count >= 0 else {
            let code = errno
            buffer.removeLast(Self.chunkSize)
            throw FileError(operation: .read, file: name, code: code)
        }
        buffer.removeLast(Self.chunkSize - count)
        bytesRead += count
        // The file may have grown since it was opened.
        guard bytesRead <= limits.fileBytes else { throw CSVText.Failure.tooLarge(limit: limits.fileBytes) }
        if count == 0 { endOfInput = true }
        return count > 0
    }
}
