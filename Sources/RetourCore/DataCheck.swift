#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A health check of a data directory, for `retour check`. Reads only: it never creates,
/// repairs or truncates anything (the store is opened read-only, the lock probed only when
/// its file exists and released at once).
///
/// Problems make the directory not OK (a non-zero exit). Warnings do not: an incomplete last
/// journal line is a change that was never confirmed to anyone, and the next session that
/// writes drops it. Information (another session holds the lock) is neither.
public struct DataCheck: Sendable {
    public enum Severity: String, Sendable {
        case info
        case warning
        case problem
    }

    public struct Finding: Hashable, Sendable {
        public let severity: Severity
        public let message: Message

        public init(_ severity: Severity, _ message: Message) {
            self.severity = severity
            self.message = message
        }
    }

    public let directory: URL
    public let findings: [Finding]
    /// Cases read, when the files parse.
    public let caseCount: Int?
    /// Whether the directory has a key file.
    public let encrypted: Bool
    /// Whether it has one, but some of its files can still be read without the passphrase
    /// (`Encryption.readableFiles`): a problem, which `retour init --encrypt` fixes.
    public var encryptionUnfinished: Bool { encrypted && !readableFiles.isEmpty }
    /// The files of an encrypted directory that can be read without the passphrase.
    public let readableFiles: [String]

    public var isOK: Bool { !findings.contains { $0.severity == .problem } }

    /// Rule findings beyond this many are summed up in one line.
    public static let ruleFindingsShown = 50

    /// `passphrase` is asked only when the directory is encrypted. `fileSystem` holds the data
    /// (permissions and the lock are checked on the real one).
    public static func run(directory: URL, reference: Reference, fileSystem: FileSystem = Disk.shared,
                           passphrase: () throws -> String = { throw SealingError.noTerminal(variable: Passphrase.variable) }) -> DataCheck {
        var findings: [Finding] = []
        let path = directory.path
        guard fileSystem.exists(path) else {
            return DataCheck(directory: directory, findings: [Finding(.problem, Message("check.missing", ["path": path]))],
                             caseCount: nil, encrypted: false, readableFiles: [])
        }
        guard fileSystem.isDirectory(path) else {
            return DataCheck(directory: directory, findings: [Finding(.problem, Message("check.notDirectory", ["path": path]))],
                             caseCount: nil, encrypted: false, readableFiles: [])
        }
        findings += modes(of: directory)
        findings += lock(in: directory)
        // Said with or without the passphrase: it is what tells the names are in clear.
        let readable = Encryption.readableFiles(in: directory, on: fileSystem)
        if !readable.isEmpty {
            findings.append(Finding(.problem, StoreError.encryptionUnfinished(files: readable).message))
        }
        var caseCount: Int?
        do {
            let store = try Encryption.openStore(directory, write: false, on: fileSystem, passphrase: passphrase)
            caseCount = store.book.count
            if store.droppedTornBytes > 0 {
                findings.append(Finding(.warning, Message("check.tornJournal", ["file": Store.Files.journal, "bytes": String(store.droppedTornBytes)])))
            }
            findings += rules(store.book, reference: reference)
        } catch SealingError.noTerminal(let variable) {
            findings.append(Finding(.problem, Message("check.needsPassphrase", ["variable": variable])))
        } catch let error as UserFacingError {
            findings.append(Finding(.problem, error.message))
        } catch {
            findings.append(Finding(.problem, Message("error.unexpected")))
        }
        return DataCheck(directory: directory, findings: findings, caseCount: caseCount,
                         encrypted: Encryption.isEncrypted(directory, on: fileSystem), readableFiles: readable)
    }

    /// The directory 0700, `backups/` 0700, every file 0600.
    static func modes(of directory: URL) -> [Finding] {
        var findings: [Finding] = []
        func expect(_ relative: String, _ path: String, directory: Bool) {
            guard let mode = Posix.mode(path) else { return }
            let wanted = directory ? Posix.directoryMode : Posix.fileMode
            if mode != wanted {
                findings.append(Finding(.problem, Message("check.mode", [
                    "file": relative, "mode": String(format: "%04o", mode), "expected": String(format: "%04o", wanted),
                ])))
            }
        }
        expect(".", directory.path, directory: true)
        for folder in ["", Store.Files.backups] {
            let folderPath = folder.isEmpty ? directory.path : directory.appendingPathComponent(folder).path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folderPath)) ?? []
            for name in names.sorted() {
                let relative = folder.isEmpty ? name : "\(folder)/\(name)"
                let path = folderPath + "/" + name
                if folder.isEmpty && name == Store.Files.backups {
                    expect(relative, path, directory: true)
                } else if Posix.isDirectory(path) {
                    findings.append(Finding(.warning, Message("check.unexpected", ["file": relative])))
                } else {
                    expect(relative, path, directory: false)
                }
            }
        }
        return findings
    }

    /// Whether another session holds the lock. Probes it without creating the file.
    static func lock(in directory: URL) -> [Finding] {
        let path = directory.appendingPathComponent(Store.Files.lock).path
        guard Posix.exists(path) else { return [] }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return [Finding(.problem, FileError(operation: .lock, file: Store.Files.lock, code: errno).message)]
        }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return []
        }
        let code = errno
        guard code == EWOULDBLOCK || code == EAGAIN else {
            return [Finding(.problem, FileError(operation: .lock, file: Store.Files.lock, code: code).message)]
        }
        let bytes = (try? Posix.readAll(fd, name: Store.Files.lock)) ?? []
        let holder = FileLock.holder(in: bytes)
        return [Finding(.info, Message(holder == nil ? "check.locked" : "check.lockedBy", ["holder": holder ?? ""]))]
    }

    /// What decoding lets through: lines set aside when opening (a number used twice), lines
    /// that no longer read, codes that are not in the reference data, plans of unknown tracks.
    /// Reads every case (on every core): opening trusts the index and reads cases only when
    /// they are needed, so this is where every line of the snapshot is verified. Cases are
    /// named by number only.
    static func rules(_ book: CaseBook, reference: Reference) -> [Finding] {
        var findings: [Finding] = []
        var hidden = 0
        func add(_ key: String, _ arguments: [String: String]) {
            if findings.count < ruleFindingsShown {
                findings.append(Finding(.problem, Message(key, arguments)))
            } else {
                hidden += 1
            }
        }
        for aside in book.setAside {
            add(aside.reason, ["number": aside.number, "file": Store.Files.snapshot,
                               "line": String(aside.location.line), "detail": aside.detail])
        }
        var staleIndex = false
        // A few thousand cases at a time: 100 000 decoded at once would need gigabytes.
        for start in stride(from: 0, to: book.count, by: 4_096) {
            let digests = book.digests[start..<min(book.count, start + 4_096)]
            let read = (try? SnapshotFile.inParallel(digests.count) { index -> Result<Case, Error> in
                let digest = digests[digests.startIndex + index]
                return Result { try book.read(digest.id).orThrow(ChangeError.unknownCase) }
            }) ?? []
            for (digest, result) in zip(digests, read) {
                guard case .success(let item) = result else {
                    add("check.case.unreadable", ["number": digest.number, "file": Store.Files.snapshot])
                    continue
                }
                if CaseDigest(item) != digest { staleIndex = true }
                for (key, arguments) in problems(of: item, reference: reference) { add(key, arguments) }
            }
        }
        if staleIndex {
            findings.append(Finding(.problem, Message("check.staleIndex", ["file": Store.Files.index])))
        }
        if hidden > 0 {
            findings.append(Finding(.problem, Message("check.case.more", ["count": String(hidden)])))
        }
        return findings
    }
}

extension DataCheck {
    /// What decoding lets through in one case: codes not in the reference data, plans of
    /// tracks or steps that do not exist. Each as a catalogue key and its arguments.
    static func problems(of item: Case, reference: Reference) -> [(String, [String: String])] {
        var found: [(String, [String: String])] = []
        let profile = item.profile
        let number = item.number
        if let region = reference.region(profile.region) {
            if !profile.cercle.isEmpty {
                if let cercle = reference.cercle(profile.cercle) {
                    if cercle.region.pcode != region.pcode {
                        found.append(("check.case.cercleRegion", ["number": number, "cercle": profile.cercle, "region": region.pcode]))
                    }
                } else {
                    found.append(("check.case.cercle", ["number": number, "cercle": profile.cercle]))
                }
            }
        } else {
            found.append(("check.case.region", ["number": number, "region": profile.region]))
        }
        let unknown = profile.vulnerabilities.filter { !reference.isVulnerability($0) }
        if !unknown.isEmpty {
            found.append(("check.case.vulnerability", ["number": number, "codes": unknown.joined(separator: " ")]))
        }
        if let document = profile.document, !reference.idDocumentTypes.contains(document.type) {
            found.append(("check.case.document", ["number": number, "code": document.type]))
        }
        for plan in item.plans {
            guard let track = reference.tracks.track(plan.track) else {
                found.append(("check.case.track", ["number": number, "track": plan.track]))
                continue
            }
            let known = Set(track.steps.map(\.code))
            for step in plan.steps where !known.contains(step.code) {
                found.append(("check.case.step", ["number": number, "track": plan.track, "step": step.code]))
            }
        }
        return found
    }
}

private extension Optional {
    func orThrow(_ error: Error) throws -> Wrapped {
        guard let self else { throw error }
        return self
    }
}
