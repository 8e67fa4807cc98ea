import Foundation

/// Encodes values as Retour's files hold them: the bytes Foundation's `JSONEncoder` writes
/// with sorted keys, slashes unescaped and ISO 8601 instants, without its machinery.
///
/// A save encodes its change twice under the commit lock (the journal's line, the history's
/// entry), and Foundation's encoder was a third of the time the lock was held. This one builds
/// a small tree of the values (objects keep their members as given, strings stay strings) and
/// writes it once, keys sorted as Foundation sorts them (`String`'s order). Tests hold its bytes
/// to Foundation's for every kind of line Retour writes.
public struct LineEncoder: Sendable {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> Data {
        Data(try bytes(value))
    }

    public func bytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        guard let node = try JSONNode(value, codingPath: []) else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        var output: [UInt8] = []
        output.reserveCapacity(256)
        node.write(to: &output)
        return output
    }
}

/// A value being encoded. Containers are objects of their own so that a container handed to
/// `encode(to:)` keeps filling the value its parent already holds.
enum JSONNode {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case string(String)
    case uuid(UUID)
    case instant(Date)
    /// JSON text already written (a floating-point number, as Foundation writes it).
    case text(String)
    case object(JSONMembers)
    case array(JSONElements)
    /// A value encoded through an encoder handed out (`superEncoder`): what it holds once done.
    case later(NodeEncoder)

    /// `value` as a node, the kinds Foundation encodes specially first; nil when its
    /// `encode(to:)` encoded nothing.
    init?<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        // The type compared, not cast: a cast to a protocol (`any SignedInteger`) asks the
        // runtime for every value of every other type, which cost more than the encoding.
        if T.self == String.self {
            self = .string(unsafeBitCast(value, to: String.self))
        } else if T.self == Bool.self {
            self = .bool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Int.self {
            self = .integer(Int64(unsafeBitCast(value, to: Int.self)))
        } else if T.self == UUID.self {
            self = .uuid(unsafeBitCast(value, to: UUID.self))
        } else if T.self == Date.self {
            self = .instant(unsafeBitCast(value, to: Date.self))
        } else if let number = JSONNode.otherInteger(value) {
            self = number
        } else if T.self == Data.self || T.self == URL.self || T.self == Double.self || T.self == Float.self || T.self == Decimal.self {
            self = try JSONNode.foundationScalar(value)
        } else {
            let encoder = NodeEncoder(codingPath: codingPath)
            try value.encode(to: encoder)
            guard let node = encoder.node else { return nil }
            self = node
        }
    }

    /// The other standard integers, by their type.
    private static func otherInteger<T>(_ value: T) -> JSONNode? {
        let type: Any.Type = T.self
        if type == Int8.self || type == Int16.self || type == Int32.self || type == Int64.self {
            let number = value as! any SignedInteger
            return .integer(Int64(number))
        }
        if type == UInt.self || type == UInt8.self || type == UInt16.self || type == UInt32.self || type == UInt64.self {
            let number = value as! any UnsignedInteger
            return .unsigned(UInt64(number))
        }
        return nil
    }

    /// The values Foundation's encoder writes in a way of its own.
    private static func foundationScalar<T: Encodable>(_ value: T) throws -> JSONNode {
        switch value {
        case let data as Data: return .string(data.base64EncodedString())
        case let url as URL: return .string(url.absoluteString)
        default: return .text(String(decoding: try JSONNode.floatingPoint.encode(value), as: UTF8.self))
        }
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .null: output += "null".utf8
        case .bool(let flag): output += (flag ? "true" : "false").utf8
        case .integer(let number): output += String(number).utf8
        case .unsigned(let number): output += String(number).utf8
        case .string(let text): JSONNode.write(text, to: &output)
        case .uuid(let id):
            output.append(0x22)
            JSONNode.write(id, to: &output)
            output.append(0x22)
        case .instant(let instant):
            output.append(0x22)
            output += InstantText.format(instant).utf8
            output.append(0x22)
        case .text(let text): output += text.utf8
        case .object(let members): members.write(to: &output)
        case .array(let elements):
            output.append(0x5B)
            for (index, element) in elements.values.enumerated() {
                if index > 0 { output.append(0x2C) }
                element.write(to: &output)
            }
            output.append(0x5D)
        case .later(let encoder): (encoder.node ?? .object(JSONMembers())).write(to: &output)
        }
    }

    /// `text` as a JSON string, escaped as Foundation escapes it: quote, backslash and the
    /// control characters (by their short escape when there is one); nothing else.
    static func write(_ text: String, to output: inout [UInt8]) {
        output.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, 0x6E]
            case 0x0D: output += [0x5C, 0x72]
            case 0x09: output += [0x5C, 0x74]
            case 0x08: output += [0x5C, 0x62]
            case 0x0C: output += [0x5C, 0x66]
            case 0..<0x20:
                output += [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            default: output.append(byte)
            }
        }
        output.append(0x22)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    /// `id` as Foundation writes it (upper-case, 8-4-4-4-12), without `uuidString`, which
    /// formats each byte through `snprintf`: a save writes a dozen identifiers.
    static func write(_ id: UUID, to output: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { output.append(0x2D) }
                output.append(upperHexDigits[Int(byte >> 4)])
                output.append(upperHexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// Retour's files hold no floating-point number; one added later is written by Foundation,
    /// byte for byte as before.
    private static let floatingPoint: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// An object's members, in the order given; written sorted by key, the last of a key kept.
final class JSONMembers {
    var members: [(key: String, value: JSONNode)] = []

    /// Foundation's order: the keys' UTF-8 bytes (not `String`'s order, which normalises);
    /// of one key given twice, the first given first.
    static func precedes(_ key: String, _ other: String, _ place: Int, _ otherPlace: Int) -> Bool {
        var bytes = key.utf8.makeIterator(), others = other.utf8.makeIterator()
        while true {
            switch (bytes.next(), others.next()) {
            case (nil, nil): return place < otherPlace
            case (nil, _): return true
            case (_, nil): return false
            case let (byte?, otherByte?) where byte != otherByte: return byte < otherByte
            default: continue
            }
        }
    }

    func write(to output: inout [UInt8]) {
        output.append(0x7B)
        // Stable: of members with one key, the last given comes last and is the one kept.
        let sorted = members.indices.sorted { JSONMembers.precedes(members[$0].key, members[$1].key, $0, $1) }
        var first = true
        for (place, index) in sorted.enumerated() {
            if place + 1 < sorted.count && members[sorted[place + 1]].key.utf8.elementsEqual(members[index].key.utf8) { continue }
            if !first { output.append(0x2C) }
            first = false
            JSONNode.write(members[index].key, to: &output)
            output.append(0x3A)
            members[index].value.write(to: &output)
        }
        output.append(0x7D)
    }
}

final class JSONElements {
    var values: [JSONNode] = []
}

/// The `Encoder` a value's `encode(to:)` is given: it holds the node the value becomes.
final class NodeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    fileprivate(set) var node: JSONNode?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let members: JSONMembers
        if case .object(let existing) = node {
            members = existing
        } else {
            members = JSONMembers()
            node = .object(members)
        }
        return KeyedEncodingContainer(NodeKeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let elements: JSONElements
        if case .array(let existing) = node {
            elements = existing
        } else {
            elements = JSONElements()
            node = .array(elements)
        }
        return NodeUnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        NodeSingleValueContainer(encoder: self)
    }

    fileprivate func set(_ node: JSONNode) {
        self.node = node
    }
}

private struct NodeKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let members: JSONMembers
    let codingPath: [any CodingKey]

    private func add(_ node: JSONNode, _ key: Key) {
        members.members.append((key.stringValue, node))
    }

    mutating func encodeNil(forKey key: Key) throws { add(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(.string(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(.unsigned(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        add(try JSONNode(value, codingPath: codingPath + [key]) ?? .object(JSONMembers()), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                         forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONMembers()
        add(.object(nested), key)
        return KeyedEncodingContainer(NodeKeyedContainer<NestedKey>(members: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONElements()
        add(.array(nested), key)
        return NodeUnkeyedContainer(elements: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = NodeEncoder(codingPath: codingPath + [JSONKey(stringValue: "super")])
        members.members.append(("super", .later(encoder)))
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let encoder = NodeEncoder(codingPath: codingPath + [key])
        add(.later(encoder), key)
        return encoder
    }
}

private struct NodeUnkeyedContainer: UnkeyedEncodingContainer {
    let elements: JSONElements
    let codingPath: [any CodingKey]
    var count: Int { elements.values.count }

    private func add(_ node: JSONNode) {
        elements.values.append(node)
    }

    private var nextKey: any CodingKey { JSONKey(intValue: count) }

    mutating func encodeNil() throws { add(.null) }
    mutating func encode(_ value: Bool) throws { add(.bool(value)) }
    mutating func encode(_ value: String) throws { add(.string(value)) }
    mutating func encode(_ value: Int) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { add(.integer(value)) }
    mutating func encode(_ value: UInt) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { add(.unsigned(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        add(try JSONNode(value, codingPath: codingPath + [nextKey]) ?? .object(JSONMembers()))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONMembers()
        let path = codingPath + [nextKey]
        add(.object(nested))
        return KeyedEncodingContainer(NodeKeyedContainer<NestedKey>(members: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONElements()
        let path = codingPath + [nextKey]
        add(.array(nested))
        return NodeUnkeyedContainer(elements: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = NodeEncoder(codingPath: codingPath + [nextKey])
        add(.later(encoder))
        return encoder
    }
}

private struct NodeSingleValueContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.set(.null) }
    mutating func encode(_ value: Bool) throws { encoder.set(.bool(value)) }
    mutating func encode(_ value: String) throws { encoder.set(.string(value)) }
    mutating func encode(_ value: Int) throws { encoder.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { encoder.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { encoder.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { encoder.set(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { encoder.set(.integer(value)) }
    mutating func encode(_ value: UInt) throws { encoder.set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { encoder.set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { encoder.set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { encoder.set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { encoder.set(.unsigned(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.set(try JSONNode(value, codingPath: codingPath) ?? .object(JSONMembers()))
    }
}
