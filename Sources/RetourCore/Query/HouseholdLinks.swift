import Foundation

/// How a case is tied to other cases through households: the case whose household lists its
/// person, and the cases of its members registered on their own. By number only, in scope or
/// not: a number names no one, and opening the case still goes through `CaseReader.read`.
public struct HouseholdLinks: Sendable, Equatable {
    /// The case whose household lists this case's person.
    public var household: Linked?
    /// The case of each member registered as a case of their own, by member id.
    public var ownCases: [UUID: Linked] = [:]

    public struct Linked: Sendable, Equatable {
        public let id: UUID
        public let number: String
    }

    public init(household: Linked? = nil, ownCases: [UUID: Linked] = [:]) {
        self.household = household
        self.ownCases = ownCases
    }

    public static let none = HouseholdLinks()
}

extension CaseReader {
    /// The cases `item` is linked to through households.
    public func links(of item: Case) -> HouseholdLinks {
        func linked(_ id: UUID) -> HouseholdLinks.Linked? {
            book.digest(id).map { HouseholdLinks.Linked(id: id, number: $0.number) }
        }
        var links = HouseholdLinks(household: book.household(of: item.id).flatMap(linked))
        for member in item.members {
            if let own = member.ownCase { links.ownCases[member.id] = linked(own) }
        }
        return links
    }
}
