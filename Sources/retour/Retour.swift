import ArgumentParser
import Foundation
import RetourCore

@main
struct Retour: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retour",
        abstract: "Case manager for returned IDPs and repatriated refugees.",
        subcommands: [Manage.self, InitCommand.self, ImportCommand.self, ExportCommand.self, ListCommand.self, ShowCommand.self, CaseloadCommand.self,
                      ApprovalsCommand.self, ReportCommand.self, DemoCommand.self, CheckCommand.self, PassphraseCommand.self, UsersCommand.self,
                      AuditCommand.self, CodesCommand.self, SyncCommand.self, ServerCommand.self],
        defaultSubcommand: Manage.self
    )

    /// Runs the command; every failure becomes one line on stderr and a non-zero exit.
    static func main() {
        let environment = ProcessInfo.processInfo.environment
        do {
            var command = try parseAsRoot(movingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as UserFacingError {
            Failure.report(error, language: Failure.language(environment: environment))
            Foundation.exit(1)
        } catch {
            // Help, version and argument errors: argument parser's own wording.
            if exitCode(for: error) == .success { exit(withError: error) }
            let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            // The parser repeats the value it refuses: shown, never sent to the terminal.
            FileHandle.standardError.write(Data("retour: \(TerminalText.visible(line)) (retour --help)\n".utf8))
            Foundation.exit(64)
        }
    }
}

/// Options given before the subcommand (`retour --data DIR import …`) moved after it, where the
/// subcommand's `GlobalOptions` reads them: each command has its own copy of those options.
func movingGlobalOptions(_ arguments: [String]) -> [String] {
    let withValue: Set<String> = ["--data", "--user", "--lang"]
    let commands = Set(Retour.configuration.subcommands.map { $0._commandName })
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if withValue.contains(argument), index + 1 < arguments.count {
            leading += [argument, arguments[index + 1]]
            index += 2
        } else if withValue.contains(where: { argument.hasPrefix($0 + "=") }) {
            leading.append(argument)
            index += 1
        } else {
            break
        }
    }
    guard !leading.isEmpty, index < arguments.count, commands.contains(arguments[index]) else { return arguments }
    return [arguments[index]] + leading + arguments[(index + 1)...]
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $RETOUR_DATA, else $XDG_DATA_HOME/retour, else ~/.local/share/retour).")
    var data: String?

    @Option(name: .long, help: "Who signs in, by login (default: $RETOUR_USER, else $USER).")
    var user: String?

    @Option(name: .long, help: "Interface language: fr or en (default: from LC_ALL, LC_MESSAGES, LANG).")
    var lang: Language?

    /// The session these options describe: assets loaded, language chosen. On a demonstration
    /// office (`DemoMark`), says so on stderr first: no command on fictitious people passes
    /// for one on real ones. `dataDirectory` replaces `--data` and the default (`retour demo`).
    func session(dataDirectory: URL? = nil, announcingDemo: Bool = true) throws -> Session {
        let environment = ProcessInfo.processInfo.environment
        let assets = try Assets.locate(environment: environment)
        let language = Session.language(explicit: lang, environment: environment)
        let session = Session(
            dataDirectory: dataDirectory ?? Session.dataDirectory(explicit: data, environment: environment),
            author: try Session.checkedAuthor(explicit: user, environment: environment),
            catalog: try Catalog(language: language, assets: assets),
            reference: try Reference(assets: assets)
        )
        if announcingDemo && DemoMark.read(directory: session.dataDirectory) != nil {
            Output.error(session.catalog.text("demo.banner"))
        }
        return session
    }
}

extension Language: ExpressibleByArgument {}

/// Reports a failure as one translated line on stderr. Used where no session exists yet
/// (the assets themselves may be what is missing).
enum Failure {
    static func language(environment: [String: String]) -> Language {
        let arguments = CommandLine.arguments
        if let index = arguments.firstIndex(of: "--lang"), index + 1 < arguments.count,
           let language = Language(rawValue: arguments[index + 1]) {
            return language
        }
        return Language.from(environment: environment)
    }

    static func report(_ error: Error, language: Language) {
        let text: String
        if let assets = try? Assets.locate(), let catalog = try? Catalog(language: language, assets: assets) {
            text = catalog.text(error)
        } else if let error = error as? AssetError {
            text = error.untranslated
        } else if let error = error as? UserFacingError {
            text = TerminalText.visible(error.message.description)
        } else {
            text = "unexpected error"
        }
        FileHandle.standardError.write(Data("retour: \(text)\n".utf8))
    }
}
