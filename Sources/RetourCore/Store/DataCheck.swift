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
    /// The history's head, when its chain holds: for an administrator to write down.
    public var historyHead: HistoryHead?

    public var isOK: Bool { !findings.contains { $0.severity == .problem } }

    /// Rule findings beyond this many are summed up in one line.
    public static let ruleFindingsShown = 50

    /// `passphrase` is asked only when the directory is encrypted. `fileSystem`, when given
    /// (tests), holds the data; the real disk also has its entries' owners, modes and links and
    /// the lock checked.
    /// `expectedHead`: a head written down before (`retour audit --head`), which the history
    /// must still hold, besides the one the snapshot recorded.
    /// `progress` is told how far the two long steps have got: the cases read (`casesStep`),
    /// then the bytes of the history read (`HistoryFile.verifyStep`).
    public static func run(directory: URL, reference: Reference, fileSystem: FileSystem? = nil, expectedHead: HistoryHead? = nil,
                           passphrase: () throws -> String = { throw SealingError.noTerminal(variable: Passphrase.variable) },
                           progress: ProgressStep.Report = { _, _ in }) -> DataCheck {
        var findings: [Finding] = []
        let given = directory.path
        func stop(_ message: Message) -> DataCheck {
            DataCheck(directory: directory, findings: findings + [Finding(.problem, message)], caseCount: nil,
                      encrypted: false, readableFiles: [])
        }
        let disk: FileSystem
        var links: Set<String> = []
        let data: URL
        if let fileSystem {
            disk = fileSystem
            data = directory
        } else {
            // Resolved once; what is checked, and read, is the directory the link points to.
            let real: Disk
            do {
                real = try Disk(dataDirectory: given, refusingForeignEntries: false)
            } catch let error as UserFacingError {
                return stop(error.message)
            } catch {
                return stop(Message("error.unexpected"))
            }
            if real.directory != given {
                // The directory itself a link, or one above it.
                let key = (real.status(given)?.st_mode ?? 0) & S_IFMT == S_IFLNK ? "check.dataLink" : "check.dataLinkAbove"
                findings.append(Finding(.info, Message(key, ["path": given, "target": real.directory])))
            }
            disk = real
            data = URL(fileURLWithPath: real.directory)
        }
        guard disk.exists(data.path) else { return stop(Message("check.missing", ["path": given])) }
        guard disk.isDirectory(data.path) else { return stop(Message("check.notDirectory", ["path": given])) }
        if let real = disk as? Disk {
            let entries = self.entries(on: real)
            findings += entries.findings
            links = entries.links
            findings += lock(on: real)
        }
        // Said with or without the passphrase: it is what tells the names are in clear.
        let readable = Encryption.readableFiles(in: data, on: disk)
        if !readable.isEmpty {
            findings.append(Finding(.problem, StoreError.encryptionUnfinished(files: readable).message))
        }
        var caseCount: Int?
        var historyHead: HistoryHead?
        do {
            let store = try Encryption.openStore(data, write: false, on: disk, passphrase: passphrase)
            caseCount = store.book.count
            if store.droppedTornBytes > 0 {
                findings.append(Finding(.warning, Message("check.tornJournal", ["file": Store.Files.journal, "count": String(store.droppedTornBytes)])))
            }
            let cases = casesStep(store.book.count)
            findings += rules(store.book, reference: reference) { progress(cases, $0) }
            let history = history(of: store, expected: expectedHead, progress: progress)
            findings += history.findings
            historyHead = history.head
        } catch SealingError.noTerminal(let variable) {
            findings.append(Finding(.problem, Message("check.needsPassphrase", ["variable": variable])))
        } catch let error as FileError where error.code == ELOOP && links.contains(error.file) {
            // Already named above.
        } catch let error as UserFacingError {
            findings.append(Finding(.problem, error.message))
        } catch {
            findings.append(Finding(.problem, Message("error.unexpected")))
        }
        return DataCheck(directory: directory, findings: findings, caseCount: caseCount,
                         encrypted: Encryption.isEncrypted(data, on: disk), readableFiles: readable, historyHead: historyHead)
    }

    /// What the directory holds: the directory 0700, `backups/` 0700, every file 0600 and owned
    /// by this user, no symbolic link (Retour never follows one, so a link there is refused
    /// when it is used). Also the names of the links found, relative to the directory.
    static func entries(on disk: Disk) -> (findings: [Finding], links: Set<String>) {
        var findings: [Finding] = []
        var links: Set<String> = []
        let user = geteuid()
        func expect(_ relative: String, _ info: stat, directory: Bool) {
            if info.st_uid != user {
                findings.append(Finding(.problem, DataDirectory.Refusal.fileOwnedByOther(
                    file: relative, owner: DataDirectory.accountName(info.st_uid), user: DataDirectory.accountName(user),
                    path: disk.path(of: relative)).message))
            }
            let mode = info.st_mode & 0o777
            let wanted = directory ? Posix.directoryMode : Posix.fileMode
            // The data directory itself is named by its path.
            let shown = relative == "." ? disk.directory : relative
            if directory && mode & 0o077 == 0 && mode & 0o200 == 0 {
                // Made read-only by its owner (an archive): opened read-only, nobody else let in.
                findings.append(Finding(.info, Message("check.readOnlyDirectory", ["path": shown, "mode": String(format: "%04o", mode)])))
            } else if mode != wanted {
                findings.append(Finding(.problem, Message("check.mode", [
                    "file": shown, "mode": String(format: "%04o", mode), "expected": String(format: "%04o", wanted),
                ])))
            }
        }
        if let info = disk.status(disk.directory) { expect(".", info, directory: true) }
        // A demonstration office keeps its guided tour in a folder of its own.
        let tour = DemoMark.read(directory: URL(fileURLWithPath: disk.directory)) != nil ? Store.tourFolder : nil
        for folder in ["", Store.Files.backups] {
            let folderPath = folder.isEmpty ? disk.directory : disk.path(of: folder)
            for name in disk.contents(of: folderPath).sorted() {
                let relative = folder.isEmpty ? name : "\(folder)/\(name)"
                guard let info = disk.status(disk.path(of: relative)) else { continue }
                let kind = info.st_mode & S_IFMT
                if kind == S_IFLNK {
                    links.insert(relative)
                    findings.append(Finding(.problem, Message("check.link", ["file": relative])))
                } else if folder.isEmpty && (name == Store.Files.backups || name == tour) {
                    expect(relative, info, directory: true)
                } else if kind == S_IFDIR {
                    findings.append(Finding(.warning, Message("check.unexpected", ["file": relative])))
                } else {
                    expect(relative, info, directory: false)
                }
            }
        }
        return (findings, links)
    }

    /// The step of reading every case.
    public static func casesStep(_ count: Int) -> ProgressStep {
        ProgressStep(task: "progress.task.verify", unit: .cases, total: count)
    }

    /// The history's chain, read whole, and the head the snapshot recorded still in it. Its
    /// head is said, for an administrator to write down and compare (`retour audit --head`).
    static func history(of store: Store, expected: HistoryHead? = nil,
                        progress: ProgressStep.Report = { _, _ in }) -> (findings: [Finding], head: HistoryHead?) {
        // Read twice when a head was given: one step over both readings.
        let readings = expected == nil ? 1 : 2
        do {
            let verification = try store.history.verify(expected: store.recordedHistoryHead) { done, size in
                progress(HistoryFile.verifyStep(size * readings), done)
            }
            if let problem = verification.problem { return ([Finding(.problem, problem.message)], nil) }
            if let expected, let problem = try store.history.verify(expected: expected, progress: { done, size in
                progress(HistoryFile.verifyStep(size * readings), size + done)
            }).problem {
                return ([Finding(.problem, problem.message)], nil)
            }
            guard verification.tornBytes > 0 else { return ([], verification.head) }
            let torn = Message("check.tornHistory", ["file": HistoryFile.fileName, "count": String(verification.tornBytes)])
            return ([Finding(.warning, torn)], verification.head)
        } catch let error as UserFacingError {
            return ([Finding(.problem, error.message)], nil)
        } catch {
            return ([Finding(.problem, Message("error.unexpected"))], nil)
        }
    }

    /// Whether writing sessions are open on the directory, and who. Probes their presence
    /// file (`FileLock`) without creating it.
    static func lock(on disk: Disk) -> [Finding] {
        let path = disk.path(of: Store.Files.sessions)
        guard disk.exists(path) else { return [] }
        let fd: Int32
        do {
            fd = try disk.open(path, .read, name: Store.Files.sessions)
        } catch let error as FileError where error.code == ELOOP {
            return []
        } catch let error as UserFacingError {
            return [Finding(.problem, error.message)]
        } catch {
            return [Finding(.problem, Message("error.unexpected"))]
        }
        defer { disk.close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return []
        }
        let code = errno
        guard code == EWOULDBLOCK || code == EAGAIN else {
            return [Finding(.problem, FileError(operation: .lock, file: Store.Files.sessions, code: code).message)]
        }
        let bytes = (try? disk.readAll(fd, name: Store.Files.sessions)) ?? []
        let holders = FileLock.sessions(in: bytes)
        return [Finding(.info, Message(holders.isEmpty ? "check.locked" : "check.lockedBy",
                                       ["holder": holders.joined(separator: ", "), "count": String(holders.count)]))]
    }

    /// What decoding lets through: lines set aside when opening (a number used twice), lines
    /// that no longer read, codes that are not in the reference data, plans of unknown tracks.
    /// Reads every case (on every core): opening trusts the index and reads cases only when
    /// they are needed, so this is where every line of the snapshot is verified. Cases are
    /// named by number only.
    /// `progress(done)` is told after every few thousand cases read.
    static func rules(_ book: CaseBook, reference: Reference, progress: (Int) -> Void = { _ in }) -> [Finding] {
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
            let read = (try? SnapshotFile.inRounds(digests.count, progress: { progress(start + $0) }) { index -> Result<Case, Error> in
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
