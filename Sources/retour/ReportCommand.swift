import ArgumentParser
import Foundation
import RetourCore

/// `retour report`: the programme figures of the cases the user may read (`ProgrammeFigures`),
/// aggregated for partners: no name, no case number, no date of birth, and every count from 1
/// to 4 shown as `<5`. Recorded in the history, as an export is.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Programme figures for a period: targets, caseload, reintegration, rights, durable solutions.",
        discussion: """
        Counts only: no name, no case number, no date of birth; a count from 1 to 4, and a share \
        of so few people, is written <5 in every format. The cases are those you may read, \
        narrowed by --region and --team.

        The period: --period month, quarter or year (the calendar one of today) or programme (its \
        start to its end, from Assets/targets.json: the default); or --from and --to (a missing \
        --from is the programme's start, a missing --to today). Targets count from the programme's \
        start to the period's end.

        --format text (default), md (a Markdown document), csv (one row per figure; --hxl adds a \
        row of HXL hashtags under the header) or json. --out FILE writes the report to FILE, \
        readable by you only, replaced whole; without it, the report goes to stdout.
        """
    )

    enum Period: String, ExpressibleByArgument, CaseIterable {
        case month, quarter, year, programme
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "month, quarter, year or programme (default: programme, unless --from or --to).")
    var period: Period?

    @Option(help: "First day of the period (YYYY-MM-DD or DD/MM/YYYY).")
    var from: String?

    @Option(help: "Last day of the period (YYYY-MM-DD or DD/MM/YYYY).")
    var to: String?

    @Option(help: "Only the cases of this region: name, usual spelling or P-code.")
    var region: String?

    @Option(help: "Only the cases of the case workers of this team.")
    var team: String?

    @Option(help: "text, md, csv or json.")
    var format: FiguresReport.Format = .text

    @Flag(help: "csv: a row of HXL hashtags under the header.")
    var hxl = false

    @Option(help: "The file to write (default: stdout).")
    var out: String?

    func run() throws {
        let session = try global.session()
        let reference = session.reference
        let catalog = session.catalog
        if hxl && format != .csv { throw CommandError("report.error.hxl") }
        // Read with the reference (`Assets/targets.json`), as the dashboard reads them.
        guard let targets = reference.targets else { throw CommandError("targets.error.unreadable") }
        let today = CalendarDate.today()
        let span = try periodSpan(targets: targets, today: today)
        var foundRegion: Region?
        if let region {
            guard let found = reference.findRegion(region) else {
                throw CommandError("report.error.region", ["value": region,
                                                           "choices": reference.regions.map(\.name).joined(separator: ", ")])
            }
            foundRegion = found
        }
        let store = try openForReading(session)
        let reader = try session.reader(of: store)
        var digests: [CaseDigest]
        var scope = [reader.seesEverything ? catalog.text("report.scope.all")
                                           : catalog.text("report.scope.caseload", ["name": reader.clearance.displayName])]
        if let team {
            guard let inTeam = reader.digests(inTeam: team) else {
                let teams = reader.teams
                throw teams.isEmpty ? CommandError("report.error.noTeams", ["value": team])
                                    : CommandError("report.error.team", ["value": team, "choices": teams.joined(separator: ", ")])
            }
            digests = inTeam
            scope.append(catalog.text("report.scope.team", ["team": team]))
        } else {
            digests = reader.digests
        }
        if let foundRegion {
            digests = digests.filter { $0.region == foundRegion.pcode }
            scope.append(catalog.text("report.scope.region", ["region": foundRegion.name]))
        }
        let figures = ProgrammeFigures(digests, targets: targets, reference: reference, today: today, span: span)
        let report = FiguresReport(figures, catalog: catalog, reference: reference,
                                   scope: (scope + [catalog.text("report.smallCounts")]).joined(separator: " · "))
        var data = try report.render(format, hxl: hxl)
        // From a demonstration office: the file's name and first line say so.
        let demo = store.book.isDemo
        if demo {
            let banner = catalog.text("demo.banner")
            switch format {
            case .text: data = DemoMarking.text(data, banner: banner)
            case .md: data = DemoMarking.markdown(data, banner: banner)
            case .csv: data = DemoMarking.csv(data, banner: banner, separator: ",")
            case .json: data = try DemoMarking.json(data, banner: banner)
            }
        }
        let scopeCode = [reader.seesEverything ? "all" : "caseload", foundRegion.map { "region=\($0.pcode)" },
                         team.map { "team=\($0)" }].compactMap { $0 }.joined(separator: " ")
        try store.recordEvent(.report(name: "programme \(span.first.iso)..\(span.last.iso) \(format.rawValue)",
                                      scope: scopeCode, count: digests.count),
                              by: reader.clearance.login)
        guard let out else {
            Output.dataShownOnTerminal(data)
            return
        }
        var url = URL(fileURLWithPath: out)
        if demo { url = DemoMarking.fileURL(url) }
        try PrivateFile.write(data, to: url)
        Output.line(catalog.text("report.summary", ["file": url.path]))
    }

    func periodSpan(targets: ProgrammeTargets, today: CalendarDate) throws -> DaySpan {
        func day(_ text: String) throws -> CalendarDate {
            guard let date = CalendarDate(parsing: text) else { throw CommandError("report.error.date", ["value": text]) }
            return date
        }
        if from != nil || to != nil {
            let first = try from.map(day) ?? targets.start
            let last = try to.map(day) ?? today
            return FiguresPeriod.between(first, last).span(today: today, programme: targets)
        }
        let chosen: FiguresPeriod
        switch period ?? .programme {
        case .month: chosen = .month
        case .quarter: chosen = .quarter
        case .year: chosen = .year
        case .programme: chosen = .programme
        }
        return chosen.span(today: today, programme: targets)
    }
}

extension FiguresReport.Format: ExpressibleByArgument {}
