import ArgumentParser
import RetourApp
import RetourCore

/// `retour` alone: the interactive case manager.
struct Manage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manage",
        abstract: "Open the interactive case manager (the default)."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let session = try global.session()
        try CaseManager.run(session: session)
    }
}
