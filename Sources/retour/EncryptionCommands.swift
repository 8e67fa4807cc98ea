import ArgumentParser
import Foundation
import RetourCore

/// `retour init [--encrypt]`: prepares a data directory; with `--encrypt`, protects it (new,
/// or holding plain data) with a passphrase, or finishes an encryption a crash interrupted.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data directory; with --encrypt, protect it (and what it holds) with a passphrase."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Encrypt the data directory with a passphrase (asked twice, or $RETOUR_PASSPHRASE).")
    var encrypt = false

    func run() throws {
        // A demonstration office is never encrypted: said in one line, before anything is
        // asked or written.
        let session = try global.session(announcingDemo: !encrypt)
        let catalog = session.catalog
        let directory = session.dataDirectory
        if encrypt && DemoMark.read(directory: directory) != nil {
            throw CommandError("demo.error.encrypt", ["path": directory.path])
        }
        let sealed = try Encryption.isSealed(directory)
        guard encrypt else {
            if Encryption.isEncrypted(directory) {
                if !sealed { throw StoreError.encryptionUnfinished(files: Encryption.readableFiles(in: directory)) }
                // Said only of a directory of one's own whose key file reads (never through a link).
                _ = try Encryption.keyFile(in: directory)
                Output.line(catalog.text("init.readyEncrypted", ["path": directory.path]))
                return
            }
            let store = try Store(directory: directory, user: session.author)
            if let reason = store.readOnlyReason { throw reason }
            try store.close()
            Output.line(catalog.text("init.ready", ["path": directory.path]))
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let passphrase: String
        if Encryption.isEncrypted(directory) {
            if sealed { throw StoreError.alreadyEncrypted }
            // Unfinished: the key file holds the data key under the passphrase given then.
            passphrase = try Passphrase.read(prompt: catalog.text("crypto.prompt.finish"), environment: environment)
        } else {
            passphrase = try Passphrase.readNew(
                prompt: catalog.text("crypto.prompt.newPassphrase", ["minimum": String(Passphrase.minimumLength)]),
                confirm: catalog.text("crypto.prompt.confirm"), environment: environment)
        }
        let progress = ProgressLines(catalog: catalog)
        defer { progress.finish() }
        let done = try Encryption.protect(directory, passphrase: passphrase, user: session.author, progress: progress.report)
        progress.finish()
        Output.line(done.cases == 0 ? catalog.text("init.encryptedEmpty", ["path": directory.path])
                                    : catalog.counted("init.encrypted", done.cases, ["path": directory.path]))
        if done.removedBackups > 0 {
            Output.line(catalog.counted("init.backupsRemoved", done.removedBackups))
        }
        Output.line(catalog.text("init.keepPassphrase"))
    }
}

/// `retour passphrase`: changes the passphrase of an encrypted data directory. Only the key
/// file is rewritten; the data stays as it is.
struct PassphraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passphrase",
        abstract: "Change the passphrase of an encrypted data directory ($RETOUR_PASSPHRASE, $RETOUR_NEW_PASSPHRASE for scripts)."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = try global.session()
        let catalog = session.catalog
        let directory = session.dataDirectory
        guard Encryption.isEncrypted(directory) else {
            // Sealed data without its key file says so (rather than "not encrypted").
            _ = try Store(directory: directory, write: false)
            throw CommandError("passphrase.notEncrypted", ["path": directory.path])
        }
        let environment = ProcessInfo.processInfo.environment
        let old = try Passphrase.read(prompt: catalog.text("crypto.prompt.passphrase"), environment: environment)
        // A wrong current passphrase is said before the new one is asked for.
        _ = try Encryption.keyFile(in: directory).unlock(passphrase: old)
        let new = try Passphrase.readNew(
            prompt: catalog.text("crypto.prompt.newPassphrase", ["minimum": String(Passphrase.minimumLength)]),
            confirm: catalog.text("crypto.prompt.confirm"), environment: environment, variable: Passphrase.newVariable)
        try Encryption.changePassphrase(of: directory, from: old, to: new)
        Output.line(catalog.text("passphrase.changed"))
    }
}
