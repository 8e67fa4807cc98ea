import Foundation

/// The one way screens and commands read cases: only those the clearance may see, and in them
/// only what it may see. Made by `Store.reader(for:)`, so that no read can forget the scope.
public struct CaseReader: Sendable {
    let book: CaseBook
    public let clearance: Clearance
    let scope: Scope

    init(book: CaseBook, clearance: Clearance) {
        self.book = book
        self.clearance = clearance
        scope = Scope(clearance, users: book.users)
    }

    /// Whether every case is in scope (an administrator, or a directory without users): the
    /// digests are then the book's own, with no copy.
    public var seesEverything: Bool { scope.reachesEverything }

    /// The digests of the cases in scope, in registration order.
    public var digests: [CaseDigest] {
        seesEverything ? book.digests : book.digests.filter(scope.contains)
    }

    /// The cases in scope whose changes made at two sites wait for a supervisor, by number.
    public var inSiteConflict: [CaseDigest] {
        (book.site?.conflicts ?? []).compactMap(digest).sorted { $0.number < $1.number }
    }

    /// The digest of case `id` when it is in scope.
    public func digest(_ id: UUID) -> CaseDigest? {
        book.digest(id).flatMap { seesEverything || scope.contains($0) ? $0 : nil }
    }

    /// The id of the case numbered `number` (or whose id is `number`), in scope or not: a
    /// number names no one; `read` says whether it may be opened.
    public func find(numberOrID text: String) -> UUID? {
        if let id = book.find(numberOf: text) { return id }
        return UUID(uuidString: text).flatMap { book.digest($0) == nil ? nil : $0 }
    }

    /// Case `id` as the clearance may see it; nil when there is no such case. A case outside the
    /// caseload is refused in words (`ChangeError.forbidden`), naming only its number.
    public func read(_ id: UUID) throws -> Case? {
        guard let digest = book.digest(id) else { return nil }
        guard seesEverything || scope.contains(digest) else {
            throw ChangeError.forbidden(.outsideCaseload, number: digest.number)
        }
        return try book.read(id).map(withholdingConfidential)
    }

    /// `item` without what only its worker, the team's supervisors and administrators see: the
    /// vulnerability `survivor_of_violence` becomes `confidential`, a confidential note's text
    /// is withheld (`Note.isWithheld`).
    func withholdingConfidential(_ item: Case) -> Case {
        guard !scope.seesConfidential(assignedTo: item.profile.assignedTo, registeredBy: item.created.by) else { return item }
        var item = item
        item.profile.vulnerabilities = Confidential.withheld(item.profile.vulnerabilities)
        item.notes = item.notes.map { note in
            guard note.isConfidential else { return note }
            var note = note
            note.text = ""
            return note
        }
        return item
    }

    /// Case `id` when it is in scope and readable, else nil.
    public subscript(id: UUID) -> Case? { try? read(id) }

    /// Every case in scope, in registration order, read on every core. `progress(done)` is
    /// told every few thousand cases read (of `digests.count`), on the calling thread.
    public func allCases(progress: ((Int) -> Void)? = nil) throws -> [Case] {
        try book.cases(digests.map(\.id), progress: progress).map(withholdingConfidential)
    }

    /// The cases `ids` (in scope), in that order.
    public func cases(_ ids: [UUID]) throws -> [Case] {
        for id in ids where digest(id) == nil {
            throw ChangeError.forbidden(.outsideCaseload, number: book.digest(id)?.number ?? "")
        }
        return try book.cases(ids).map(withholdingConfidential)
    }

    /// Cases that may be the same person as `profile`, searched among every case: one outside
    /// the caseload is told by its number, region and worker only, so that a duplicate is
    /// caught without the person being revealed.
    public func possibleDuplicates(of profile: CaseProfile, excluding: UUID? = nil) -> [PossibleDuplicate] {
        book.possibleDuplicates(of: profile, excluding: excluding).map { digest, member in
            let visible = seesEverything || scope.contains(digest)
            return PossibleDuplicate(id: digest.id, number: digest.number, region: digest.region,
                                     assignedTo: digest.assignedTo, person: visible ? digest : nil,
                                     isMember: member != nil, member: visible ? member : nil)
        }
    }

    /// The individuals of the cases in scope (people and household members) as of `today`.
    public func individuals(on today: CalendarDate) -> IndividualCounts {
        IndividualCounts(digests, on: today)
    }

    /// The case whose household lists case `id`'s person (when it is in scope).
    public func household(of id: UUID) -> CaseDigest? {
        book.household(of: id).flatMap(digest)
    }
}

/// A case that may be the same person as one being registered.
public struct PossibleDuplicate: Sendable {
    public let id: UUID
    public let number: String
    public let region: String
    public let assignedTo: String
    /// The case's digest (names, birth year) when the reader may see it; nil outside its scope.
    public let person: CaseDigest?
    /// The match is a member of that case's household, not its registered person.
    public let isMember: Bool
    /// That member, when the reader may see the case.
    public let member: MemberDigest?
}
