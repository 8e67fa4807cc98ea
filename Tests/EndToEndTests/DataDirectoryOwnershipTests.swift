import Foundation
import RetourCore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Another account on the same machine: `retour-neighbour`, made when the tests run as root
/// (as in CI). Without root there is no second account to act as, and the tests that need one
/// are reported as skipped, with this reason.
enum Neighbour {
    static let name = "retour-neighbour"
    static let skipReason: Comment = "needs root, to create a second account and act as it"

    /// Its user and group ids, the account made when missing; nil when not root.
    static let ids: (uid: uid_t, gid: gid_t)? = {
        guard geteuid() == 0 else { return nil }
        if getpwnam(name) == nil {
            _ = try? command("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
        }
        guard let entry = getpwnam(name) else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }()

    static var available: Bool { ids != nil }

    /// What runs a command as the neighbour, with no supplementary group.
    static var runAs: [String] {
        guard let ids else { return [] }
        return ["/usr/bin/setpriv", "--reuid=\(ids.uid)", "--regid=\(ids.gid)", "--clear-groups", "--"]
    }

    /// The binary and its `Assets/`, copied under `folder` where the neighbour can reach them:
    /// the checkout may sit in a folder only its owner can enter.
    static func binary(under folder: URL) throws -> URL {
        let installation = folder.appendingPathComponent("neighbour-install")
        let binary = installation.appendingPathComponent("bin/retour")
        let files = FileManager.default
        if files.isExecutableFile(atPath: binary.path) { return binary }
        try files.createDirectory(at: binary.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Copied by another process: a copy written here would hold the file open for writing
        // while other tests fork, and their children would keep it so (exec then fails, 126).
        guard try command("/bin/cp", [Harness.binary.path, binary.path]) == 0 else { throw POSIXError(.EIO) }
        try files.copyItem(at: Assets.locate().root, to: installation.appendingPathComponent("Assets"))
        // Everyone may read and enter; the copy is a test's, owned by root.
        guard try command("/bin/chmod", ["-R", "a+rX", installation.path]) == 0 else { throw POSIXError(.EPERM) }
        return binary
    }

    /// Gives `url` to the neighbour.
    static func own(_ url: URL) throws {
        guard let ids else { return }
        guard chown(url.path, ids.uid, ids.gid) == 0 else { throw POSIXError(.EPERM) }
    }

    @discardableResult
    static func command(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// A read-only disk: the data directory bind-mounted read-only over itself, in a mount
/// namespace of the command's own (`unshare -m`), so nothing outside the test sees it.
enum ReadOnlyMount {
    static let skipReason: Comment = "needs root and mount namespaces (unshare -m), for a read-only bind mount"

    /// What runs the binary given after it with `directory` read-only.
    static func wrapper(_ directory: URL) -> [String] {
        ["/usr/bin/unshare", "-m", "/bin/sh", "-c",
         "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\"", "sh", directory.path]
    }

    static let available: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("retour-ro-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(at: probe) }
        // Mounted, it refuses a new file: the status of `touch` is turned around.
        let status = try? Neighbour.command(wrapper(probe)[0], Array(wrapper(probe).dropFirst())
                                            + ["/bin/sh", "-c", "! touch \"$0\"/x", probe.path])
        return status == 0
    }()
}

/// A data directory on a machine shared with other accounts: Retour uses only a directory that
/// is its user's alone, never follows a link in it, and writes nothing anywhere else.
@Suite(.serialized)
struct DataDirectoryOwnershipTests {
    /// Retour's names in a data directory, each a place where a link can be planted.
    static let fileNames = ["snapshot.jsonl", "journal.jsonl", "snapshot.index", "retour.lock", "key.json",
                            "snapshot.jsonl.tmp", "snapshot.index.tmp"]

    static let people: [UInt8] = Array("""
        family_name,given_names,sex,category,region
        Maïga,Aïssata,F,refugee_returnee,Gao
        Touré,Hamadoun,M,idp_returnee,Tombouctou

        """.utf8)

    /// Runs `retour ARGUMENTS --data DATA`, as the neighbour when `asNeighbour`, under
    /// `wrapper` (a command that runs the binary given after it) when given.
    static func run(_ arguments: [String], data: URL, asNeighbour: Bool = false, wrapper: [String] = []) throws -> Harness.Output {
        let process = Process()
        let wrapper = asNeighbour ? Neighbour.runAs : wrapper
        let binary = asNeighbour ? try Neighbour.binary(under: data.deletingLastPathComponent()) : Harness.binary
        process.executableURL = URL(fileURLWithPath: wrapper.first ?? binary.path)
        process.arguments = Array(wrapper.dropFirst()) + (wrapper.isEmpty ? [] : [binary.path])
            + arguments + ["--data", data.path]
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = nil
        environment["LC_MESSAGES"] = nil
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // A command that blocks (on a pipe planted in the directory, say) fails, never hangs.
        // SIGKILL: the program turns SIGTERM into a request that a blocked call never reads.
        let pid = process.processIdentifier
        let stop = DispatchWorkItem { if process.isRunning { kill(pid, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: stop)
        defer { stop.cancel() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Harness.Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                              stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func mode(_ url: URL) -> mode_t {
        var info = stat()
        lstat(url.path, &info)
        return info.st_mode & 0o7777
    }

    static func owner(_ url: URL) -> uid_t {
        var info = stat()
        lstat(url.path, &info)
        return info.st_uid
    }

    static func names(in url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    /// Files outside any data directory, each with known bytes and mode, and a directory with
    /// two files in it: what a planted link points to. `unchanged()` compares them with what
    /// they were.
    struct Outside {
        let folder: URL
        let files: [String: URL]
        let backups: URL
        let before: [String: (bytes: Data, mode: mode_t)]

        init(in root: URL) throws {
            folder = root.appendingPathComponent("outside")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var files: [String: URL] = [:]
            for name in DataDirectoryOwnershipTests.fileNames {
                let url = folder.appendingPathComponent("target-of-\(name)")
                try Data("precious \(name)\n".utf8).write(to: url)
                chmod(url.path, 0o644)
                files[name] = url
            }
            backups = folder.appendingPathComponent("photos")
            try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
            chmod(backups.path, 0o755)
            for name in ["snapshot-000000001-20160101T000000Z.jsonl", "holiday.jpg"] {
                try Data("unrelated \(name)\n".utf8).write(to: backups.appendingPathComponent(name))
            }
            self.files = files
            var before: [String: (Data, mode_t)] = [:]
            for url in Outside.all(folder) { before[url.path] = (try Data(contentsOf: url), DataDirectoryOwnershipTests.mode(url)) }
            before[backups.path] = (Data(), DataDirectoryOwnershipTests.mode(backups))
            self.before = before
        }

        /// The regular files under `folder`.
        static func all(_ folder: URL) -> [URL] {
            let found = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])?.allObjects
            return (found as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        }

        /// Plants a link at every one of Retour's names in `data`, `backups` to the folder.
        func plantLinks(in data: URL) throws {
            for (name, target) in files {
                try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent(name).path, withDestinationPath: target.path)
            }
            try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("backups").path, withDestinationPath: backups.path)
        }

        func expectUnchanged(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let now = Outside.all(folder)
            #expect(Set(now.map(\.path)).union([backups.path]) == Set(before.keys), "\(context): files outside were added or deleted",
                    sourceLocation: sourceLocation)
            for (path, was) in before {
                let url = URL(fileURLWithPath: path)
                #expect(DataDirectoryOwnershipTests.mode(url) == was.mode, "\(context): the mode of \(url.lastPathComponent) changed",
                        sourceLocation: sourceLocation)
                if path != backups.path {
                    #expect((try? Data(contentsOf: url)) == was.bytes, "\(context): \(url.lastPathComponent) was changed",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test(.enabled(if: Neighbour.available, Neighbour.skipReason))
    func aDirectoryAnotherAccountOwnsAndAnyoneCanWriteIsRefusedUntouched() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let data = harness.root.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Neighbour.own(data)
        chmod(data.path, 0o777)
        let csv = try harness.write("people.csv", Self.people)
        for arguments in [["init"], ["import", csv.path], ["list"], ["check"]] {
            let result = try Self.run(arguments, data: data)
            #expect(result.status != 0, "\(arguments[0]) accepted a directory of another account")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && result.stderr.contains(Neighbour.name) && result.stderr.contains("chown")
                    || arguments == ["check"] && result.stdout.contains(Neighbour.name) && result.stdout.contains("chown"),
                    "\(arguments[0]): \(result.stderr)\(result.stdout)")
        }
        #expect(Self.mode(data) == 0o777)
        #expect(Self.owner(data) == Neighbour.ids?.uid)
        #expect(Self.names(in: data).isEmpty)
    }

    @Test func ownDirectoryWritableByOthersIsRefusedWithTheChmodToRun() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let data = harness.root.appendingPathComponent("open")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        chmod(data.path, 0o777)
        let result = try Self.run(["init"], data: data)
        #expect(result.status != 0)
        #expect(result.stderr.contains("chmod 700 \(data.path)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(Self.mode(data) == 0o777)
        #expect(Self.names(in: data).isEmpty)
    }

    /// Links at every name (and again without `key.json`, which alone makes every command ask
    /// a passphrase), in a directory the neighbour prepared and anyone can write.
    @Test(.enabled(if: Neighbour.available && TmuxSession.available, Neighbour.skipReason))
    func linksPlantedByTheNeighbourNeverReachTheFilesTheyPointTo() throws {
        for withKey in [true, false] {
            let harness = try Harness()
            defer { harness.cleanUp() }
            let outside = try Outside(in: harness.root)
            let data = harness.root.appendingPathComponent("prepared")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try outside.plantLinks(in: data)
            if !withKey { try FileManager.default.removeItem(at: data.appendingPathComponent("key.json")) }
            try Neighbour.own(data)
            for name in Self.fileNames + ["backups"] {
                lchown(data.appendingPathComponent(name).path, Neighbour.ids!.uid, Neighbour.ids!.gid)
            }
            chmod(data.path, 0o777)
            let csv = try harness.write("people.csv", Self.people)
            let context = withKey ? "" : " (no key.json)"
            for arguments in [["init"], ["import", csv.path], ["list"], ["check"]] {
                let result = try Self.run(arguments, data: data)
                #expect(result.status != 0, "\(arguments[0])\(context) used a directory prepared by another account")
                outside.expectUnchanged(arguments[0] + context)
            }
            let tmux = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8", data: data)
            defer { tmux.kill() }
            // Refused, it ends at once; opened (as it was before), it is quit as a case worker would.
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline && !tmux.screen.contains("exit status") && !tmux.screen.contains("Cases (") {
                Thread.sleep(forTimeInterval: 0.05)
            }
            if tmux.screen.contains("Cases (") { try tmux.keys("q") }
            let status = tmux.waitForExit()
            #expect(status != nil && status != 0, "the case manager\(context) opened a directory prepared by another account")
            outside.expectUnchanged("case manager" + context)
            #expect(Self.mode(data) == 0o777)
        }
    }

    /// Each name on its own, in a data directory of our own that holds cases: the command that
    /// meets the link refuses it or goes around it, `check` names it, the outside file stays.
    @Test func aLinkAtAnyNameOfOurOwnDirectoryIsRefusedAndNamedByCheck() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let outside = try Outside(in: harness.root)
        let csv = try harness.write("people.csv", Self.people)
        for name in Self.fileNames + ["backups"] {
            let data = harness.root.appendingPathComponent("data-\(name)")
            let imported = try Self.run(["import", csv.path], data: data)
            #expect(imported.status == 0, "\(imported.stderr)")
            let link = data.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: link)
            let target = name == "backups" ? outside.backups : outside.files[name]!
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
            let again = try Self.run(["import", csv.path, "--allow-duplicates"], data: data)
            #expect(again.status != 0, "import went through a link at \(name)")
            #expect(again.stderr.contains(name) && again.stderr.contains("symbolic link"), "\(name): \(again.stderr)")
            let check = try Self.run(["check"], data: data)
            #expect(check.status == 1, "check passed with a link at \(name)")
            #expect(check.stdout.contains("\(name) is a symbolic link"), "\(name): \(check.stdout)")
            outside.expectUnchanged(name)
        }
    }

    /// What is opened in the directory must be a regular file of the user's: a pipe planted at
    /// a name neither blocks a command nor is read.
    @Test func aPipeAtANameIsRefusedWithoutBlocking() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: harness.data).status == 0)
        let journal = harness.data.appendingPathComponent("journal.jsonl")
        try FileManager.default.removeItem(at: journal)
        #expect(mkfifo(journal.path, 0o600) == 0)
        for arguments in [["list"], ["import", csv.path, "--allow-duplicates"]] {
            let started = Date()
            let result = try Self.run(arguments, data: harness.data)
            #expect(Date().timeIntervalSince(started) < 10, "\(arguments[0]) blocked on a pipe")
            #expect(result.status != 0)
            #expect(result.stderr.contains("journal.jsonl in the data directory is not a regular file"), "\(result.stderr)")
        }
    }

    /// A file in our own directory that another account owns (left there while the directory
    /// was open to others, say) is refused where it is used and named by `check`.
    @Test(.enabled(if: Neighbour.available, Neighbour.skipReason))
    func aFileOfAnotherAccountInOurDirectoryIsRefused() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: harness.data).status == 0)
        let journal = harness.data.appendingPathComponent("journal.jsonl")
        try Neighbour.own(journal)
        let before = try Data(contentsOf: journal)
        let again = try Self.run(["import", csv.path, "--allow-duplicates"], data: harness.data)
        #expect(again.status != 0)
        #expect(again.stderr.contains("journal.jsonl in the data directory belongs to \(Neighbour.name)")
                && again.stderr.contains("chown"), "\(again.stderr)")
        let check = try Self.run(["check"], data: harness.data)
        #expect(check.status == 1)
        #expect(check.stdout.contains("journal.jsonl in the data directory belongs to \(Neighbour.name)"), "\(check.stdout)")
        #expect(try Data(contentsOf: journal) == before)
    }

    /// Any entry of another account stops every command before it reads, not only a file it
    /// would write: a stray file, the index (a cache a reader may skip), a backup.
    @Test(arguments: ["stray", "snapshot.index", "backups/snapshot-000000001-20260101T000000Z.jsonl"])
    func anyEntryOfAnotherAccountStopsEveryCommand(name: String) throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: harness.data).status == 0)
        let planted = harness.data.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: planted.path) {
            try FileManager.default.createDirectory(at: planted.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            #expect(FileManager.default.createFile(atPath: planted.path, contents: Data("{}\n".utf8), attributes: [.posixPermissions: 0o600]))
        }
        try Neighbour.own(planted)
        let before = Self.names(in: harness.data).map { ($0, try? Data(contentsOf: harness.data.appendingPathComponent($0))) }
        for arguments in [["list"], ["show", "GAO-000001"], ["export"], ["import", csv.path, "--allow-duplicates"]] {
            let run = try Self.run(arguments, data: harness.data)
            #expect(run.status == 1, "\(name), \(arguments): \(run.stderr)")
            #expect(run.stderr.contains("\(name) in the data directory belongs to \(Neighbour.name)")
                    && run.stderr.split(separator: "\n").count == 1, "\(name), \(arguments): \(run.stderr)")
        }
        let after = Self.names(in: harness.data).map { ($0, try? Data(contentsOf: harness.data.appendingPathComponent($0))) }
        #expect(after.map(\.0) == before.map(\.0) && zip(after, before).allSatisfy { $0.1 == $1.1 }, "\(name): files changed")
    }

    /// A directory its owner made read-only (0500) stays read-only when that owner is root,
    /// whom permissions do not stop: the owner said what they meant.
    @Test(.enabled(if: geteuid() == 0, "needs root")) func aDirectoryRootMadeReadOnlyIsNotWritten() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: harness.data).status == 0)
        chmod(harness.data.path, 0o500)
        defer { chmod(harness.data.path, 0o700) }
        let before = Self.names(in: harness.data)
        for arguments in [["import", csv.path, "--allow-duplicates"], ["init"]] {
            let run = try Self.run(arguments, data: harness.data)
            #expect(run.status == 1, "\(arguments): \(run.stdout) \(run.stderr)")
            #expect(run.stderr.contains("cannot be written"), "\(arguments): \(run.stderr)")
        }
        #expect(try Self.run(["list"], data: harness.data).status == 0)
        #expect(Self.names(in: harness.data) == before)
        #expect(Self.mode(harness.data) == 0o500)
    }

    @Test func dataGivenAsALinkIsResolvedOnceAndSaidByCheck() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let real = harness.root.appendingPathComponent("real")
        let link = harness.root.appendingPathComponent("link")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        chmod(real.path, 0o700)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: real.path)
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: link).status == 0)
        #expect(Self.names(in: real).contains("snapshot.jsonl"))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link.path)) == real.path)
        let check = try Self.run(["check"], data: link)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("\(link.path) is a symbolic link to \(real.path)"), "\(check.stdout)")
        let above = harness.root.appendingPathComponent("above")
        try FileManager.default.createSymbolicLink(atPath: above.path, withDestinationPath: harness.root.path)
        let under = try Self.run(["check"], data: above.appendingPathComponent("real"))
        #expect(under.stdout.contains("lies under a symbolic link: the data directory checked and used is \(real.path)"),
                "\(under.stdout)")
        // The target is checked like any directory.
        chmod(real.path, 0o777)
        let open = try Self.run(["list"], data: link)
        #expect(open.status != 0)
        #expect(open.stderr.contains("chmod 700 \(real.path)"), "\(open.stderr)")
    }

    @Test func initRefusesADirectoryHoldingOtherFiles() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let folder = harness.root.appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        chmod(folder.path, 0o755)
        try Data("letter\n".utf8).write(to: folder.appendingPathComponent("letter.txt"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
        let before = Self.names(in: folder)
        let csv = try harness.write("people.csv", Self.people)
        for arguments in [["init"], ["import", csv.path]] {
            let result = try Self.run(arguments, data: folder)
            #expect(result.status != 0, "\(arguments[0]) made a data directory of a folder of other files")
            #expect(result.stderr.contains("not Retour's"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        #expect(Self.mode(folder) == 0o755)
        #expect(Self.names(in: folder) == before)
    }

    @Test(.enabled(if: Neighbour.available, Neighbour.skipReason))
    func theNeighbourCannotListADirectoryItCannotRead() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: harness.data).status == 0)
        let list = try Self.run(["list"], data: harness.data, asNeighbour: true)
        #expect(list.status != 0, "list as another account: \(list.stdout)")
        #expect(list.stdout.isEmpty)
        #expect(list.stderr.split(separator: "\n").count == 1, "\(list.stderr)")
        let check = try Self.run(["check"], data: harness.data, asNeighbour: true)
        #expect(check.status == 1)
        #expect(!check.stdout.contains("OK"), "\(check.stdout)")
    }

    /// A directory of one's own that one may not read (0300): an error, not an empty book.
    @Test(.enabled(if: Neighbour.available, Neighbour.skipReason))
    func aDirectoryThatCannotBeOpenedIsAnErrorNotAnEmptyBook() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let data = harness.root.appendingPathComponent("closed")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        chmod(data.path, 0o700)
        try Neighbour.own(data)
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: data, asNeighbour: true).status == 0)
        chmod(data.path, 0o300)
        for arguments in [["list"], ["check"]] {
            let result = try Self.run(arguments, data: data, asNeighbour: true)
            #expect(result.status != 0, "\(arguments[0]) of an unreadable directory: \(result.stdout)")
            #expect(!result.stdout.contains("family_name") && !result.stdout.contains("OK"), "\(result.stdout)")
            #expect((result.stderr + result.stdout).contains("permission denied"), "\(result.stderr)\(result.stdout)")
        }
    }

    @Test(.enabled(if: ReadOnlyMount.available && TmuxSession.available, ReadOnlyMount.skipReason))
    func aReadOnlyDiskOpensTheCaseManagerReadOnly() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let csv = try harness.write("people.csv", Self.people)
        #expect(try Self.run(["import", csv.path], data: harness.data).status == 0)
        let before = Self.names(in: harness.data)
        let readOnly = ReadOnlyMount.wrapper(harness.data)

        let tmux = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8", runAs: readOnly)
        defer { tmux.kill() }
        tmux.waitFor("Cases (2)")
        #expect(tmux.screen.contains("READ-ONLY"))
        tmux.waitFor("cannot be written")  // The status line may come after the title.
        try tmux.keys("q")
        #expect(tmux.waitForExit() == 0)

        let list = try Self.run(["list"], data: harness.data, wrapper: readOnly)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("Maïga"))
        let check = try Self.run(["check"], data: harness.data, wrapper: readOnly)
        #expect(check.status == 0, "\(check.stdout)")
        let again = try Self.run(["import", csv.path, "--allow-duplicates"], data: harness.data, wrapper: readOnly)
        #expect(again.status != 0)
        #expect(again.stderr.contains("cannot be written"), "\(again.stderr)")
        #expect(Self.names(in: harness.data) == before)
    }

    @Test(.enabled(if: Neighbour.available && TmuxSession.available, Neighbour.skipReason))
    func aDirectoryTheUserMayOnlyReadOpensTheCaseManagerReadOnly() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let data = harness.root.appendingPathComponent("readonly")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        chmod(data.path, 0o700)
        try Neighbour.own(data)
        let csv = try harness.write("people.csv", Self.people)
        let imported = try Self.run(["import", csv.path], data: data, asNeighbour: true)
        #expect(imported.status == 0, "\(imported.stderr)")
        chmod(data.path, 0o500)
        let before = Self.names(in: data)

        let tmux = try TmuxSession(harness: harness, arguments: [], language: "C.UTF-8", data: data, runAs: Neighbour.runAs,
                                   binary: Neighbour.binary(under: harness.root))
        defer { tmux.kill() }
        tmux.waitFor("Cases (2)")
        #expect(tmux.screen.contains("READ-ONLY"))
        tmux.waitFor("cannot be written")  // The status line may come after the title.
        try tmux.keys("q")
        #expect(tmux.waitForExit() == 0)

        let list = try Self.run(["list"], data: data, asNeighbour: true)
        #expect(list.status == 0)
        #expect(list.stdout.contains("Maïga"))
        // Read-only by its owner's choice: said, by its path, and not a problem.
        let check = try Self.run(["check"], data: data, asNeighbour: true)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("\(data.path) has permissions 0500: it can be read, not written"), "\(check.stdout)")
        let again = try Self.run(["import", csv.path, "--allow-duplicates"], data: data, asNeighbour: true)
        #expect(again.status != 0)
        #expect(again.stderr.contains("cannot be written"), "\(again.stderr)")
        #expect(Self.names(in: data) == before)
        #expect(Self.mode(data) == 0o500)
    }
}
