import ArgumentParser
import Foundation
import RetourCore
import RetourDemo

/// `retour import FILE.csv`: registers the people of a spreadsheet, all or nothing by default.
/// Problems go to stderr one per line (`row N, column X: reason`), the summary to stdout.
/// Exits 1 when nothing was (or, for a dry run, would be) imported because of problems.
/// Exits 0 when the rows were saved but closing could not fold the journal into a new
/// snapshot (a full disk): the summary is printed, then that warning.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Register people from a CSV file (UTF-8, commas or semicolons, header row in English or French).",
        discussion: """
        Required columns: family_name/nom, given_names/prenoms, sex/sexe, category/categorie, region.

        Optional column track/programme: youth_entrepreneurship, women_agr, durable_solutions (or \
        their French or English names), several separated by | or spaces; each person is enrolled \
        in them on the day of the import, right after registration.

        By default, one invalid row or possible duplicate stops the whole import.

        --members FILE.csv adds household members to cases already registered, by case number \
        (columns case_number/numero_dossier, given_names/prenoms, relationship/lien; optional \
        family_name/nom, sex/sexe, date_of_birth/date_naissance, birth_year/annee_naissance, age, \
        vulnerabilities/vulnerabilites, note): the members.csv of an export re-imports. Given \
        alone, not with a file of people: import the people first, then their members.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The CSV file.")
    var file: String?

    @Option(name: .customLong("members"), help: ArgumentHelp("Add household members to registered cases from this CSV file, linked by case number.", valueName: "FILE.csv"))
    var members: String?

    @Flag(name: .customLong("dry-run"), help: "Only check the file and report; write nothing.")
    var dryRun = false

    @Flag(name: .customLong("skip-invalid"), help: "Import the valid rows; write the others to FILE.rejected.csv with a reason column.")
    var skipInvalid = false

    @Flag(name: .customLong("allow-duplicates"), help: "Import possible duplicates anyway (they are still reported).")
    var allowDuplicates = false

    // Unconditional, so that `--generate -5` is refused as a number, not as a missing value;
    // text, so that every value outside the range (`abc`, 20 digits) gets the same one line.
    @Option(parsing: .unconditional,
            help: ArgumentHelp("Instead of a file: register N fictitious people (1 to 100000, for training and demonstrations) into an empty data directory.",
                               valueName: "N"))
    var generate: String?

    @Option(help: "With --generate: the seed that makes the fictitious people (same seed, same people).")
    var seed: UInt64 = 1

    func validate() throws {
        if file == nil && generate == nil && members == nil { throw ValidationError("give the CSV file to import") }
        // A --generate that is no count (`--generate --data DIR` takes `--data` as its value) is
        // said by `run`, in the one line every bad count gets.
        if file != nil && generate.flatMap({ Int($0) }) != nil {
            throw ValidationError("give either a file or --generate, not both")
        }
    }

    func run() throws {
        let count = try generate.map { text in
            guard let count = Int(text), (1...DemoPeople.maximumCount).contains(count) else {
                throw CommandError("import.error.generateRange", ["maximum": String(DemoPeople.maximumCount)])
            }
            return count
        }
        let session = try global.session()
        if let members {
            // Members name their case by number, which a file of people only gets when saved.
            guard file == nil, generate == nil else { throw CommandError("import.members.notWithPeople") }
            return try importMembers(from: members, session: session)
        }
        let catalog = session.catalog
        let today = CalendarDate.today()
        let input = file.map { URL(fileURLWithPath: $0) }
        // Opened (and refused if it is not a regular file) before the store is.
        let reader = try input.map { try CSVReader(file: $0) }

        // A data directory not made yet is made only for rows to save: a file refused whole
        // (its header, a quote never closed, a control character) leaves nothing behind.
        var plannedBeforehand: ImportPlan?
        if let input, let reader, !dryRun, !FileManager.default.fileExists(atPath: session.dataDirectory.path) {
            let plan = try planning(reader, book: CaseBook(), session: session, today: today)
            if plan.toImport.isEmpty {
                let result = try CSVImport.run(plan, store: nil, reference: session.reference, catalog: catalog,
                                               clearance: Clearance.withoutUsers(session.author, book: CaseBook()),
                                               rejectedFile: CSVImport.rejectedFile(for: input))
                return try finish(result, catalog: catalog)
            }
            plannedBeforehand = plan
        }

        let store = try session.openStore(write: !dryRun)
        if !dryRun, let reason = store.readOnlyReason { throw reason }
        var result: ImportResult
        do {
            if let input, let reader {
                // Planned again if another session made the directory in the meantime.
                let plan = try plannedBeforehand.flatMap { store.book.count == 0 ? $0 : nil }
                    ?? planning(plannedBeforehand == nil ? reader : CSVReader(file: input), book: store.book,
                                session: session, today: today)
                let clearance = try session.clearance(for: store)
                let progress = ProgressLine.standardError(task: "progress.task.save", unit: .rows, total: plan.toImport.count,
                                                          catalog: catalog)
                defer { progress.finish() }
                result = try CSVImport.run(plan, store: store, reference: session.reference, catalog: catalog,
                                           clearance: clearance, rejectedFile: CSVImport.rejectedFile(for: input),
                                           progress: progress.update)
            } else {
                result = try generated(count ?? 0, session: session, store: store, today: today)
            }
        } catch let interrupted as CSVImport.Interrupted {
            Output.error("retour: \(catalog.text(interrupted.underlying))")
            try? store.close()
            throw interrupted
        } catch {
            try? store.close()
            throw error
        }
        // Generated people go only into a directory without users: everyone reads them.
        let followUp = generate == nil || dryRun ? nil
            : try FollowUpCount(store.reader(for: Clearance.withoutUsers(session.author, book: store.book)))
        try CSVImport.close(store, after: &result)
        try finish(result, catalog: catalog, followUp: followUp)
    }

    /// Plans the import of the file `reader` reads into `book`.
    private func planning(_ reader: CSVReader, book: CaseBook, session: Session, today: CalendarDate) throws -> ImportPlan {
        let options = CSVImport.Options(skipInvalid: skipInvalid, allowDuplicates: allowDuplicates, dryRun: dryRun)
        let assets = try Assets.locate()
        let labels = try Language.allCases.map { try Catalog(language: $0, assets: assets) }
        let progress = ProgressLine.standardError(task: "progress.task.check", unit: .bytes, total: reader.size,
                                                  catalog: session.catalog)
        defer { progress.finish() }
        return try CSVImport.plan(reader: reader, reference: session.reference, book: book, today: today,
                                  options: options, trackLabels: labels, progress: progress.update)
    }

    /// `--members FILE.csv`: household members added to registered cases, all or nothing by
    /// default, as one batch. A data directory that does not exist is not made: every row
    /// names a case it cannot hold.
    private func importMembers(from path: String, session: Session) throws {
        let catalog = session.catalog
        let input = URL(fileURLWithPath: path)
        let reader = try CSVReader(file: input)
        let options = CSVImport.Options(skipInvalid: skipInvalid, allowDuplicates: allowDuplicates, dryRun: dryRun)
        let assets = try Assets.locate()
        let labels = try Language.allCases.map { try Catalog(language: $0, assets: assets) }
        func plan(_ book: CaseBook, _ clearance: Clearance) throws -> MemberImport.Plan {
            let progress = ProgressLine.standardError(task: "progress.task.check", unit: .bytes, total: reader.size,
                                                      catalog: catalog)
            defer { progress.finish() }
            return try MemberImport.plan(reader: reader, reference: session.reference, book: book, clearance: clearance,
                                         today: CalendarDate.today(), options: options, labels: labels,
                                         progress: progress.update)
        }
        let rejectedFile = CSVImport.rejectedFile(for: input)
        guard FileManager.default.fileExists(atPath: session.dataDirectory.path) else {
            let book = CaseBook()
            let result = try MemberImport.run(plan(book, try Clearance.withoutUsers(session.author, book: book)), store: nil,
                                              catalog: catalog, clearance: try Clearance.withoutUsers(session.author, book: book),
                                              rejectedFile: rejectedFile)
            return try finishMembers(result, catalog: catalog)
        }
        let store = try session.openStore(write: !dryRun)
        if !dryRun, let reason = store.readOnlyReason { throw reason }
        let result: MemberImport.Result
        do {
            let clearance = try session.clearance(for: store)
            let planned = try plan(store.book, clearance)
            let progress = ProgressLine.standardError(task: "progress.task.save", unit: .members, total: planned.toImport.count,
                                                      catalog: catalog)
            defer { progress.finish() }
            result = try MemberImport.run(planned, store: store, catalog: catalog, clearance: clearance,
                                          rejectedFile: rejectedFile, progress: progress.update)
        } catch {
            try? store.close()
            throw error
        }
        do {
            try store.close()
        } catch let error as StoreError {
            // The members are saved: importing them again would add them twice.
            guard case .notCompacted = error, !result.imported.isEmpty else { throw error }
            try finishMembers(result, catalog: catalog)
            Output.error(catalog.text(Message("cli.warning", ["text": catalog.text(error)])))
            return
        }
        try finishMembers(result, catalog: catalog)
    }

    /// Reports a member import; exits 1 when rows were given and none is (or would be) added.
    private func finishMembers(_ result: MemberImport.Result, catalog: Catalog) throws {
        let plan = result.plan
        for warning in plan.warnings {
            Output.error(catalog.text(Message("cli.warning", ["text": catalog.text(warning)])))
        }
        for problem in plan.problems { Output.error(problem.text(catalog)) }
        if plan.rows.isEmpty {
            Output.line(catalog.text("import.summary.noRows"))
        } else if dryRun {
            Output.line(catalog.text("import.summary.dryRun", ["valid": String(plan.accepted.count),
                                                              "invalid": String(plan.rejected.count)]))
            if plan.isBlocked { Output.line(catalog.text("import.summary.wouldStop")) }
        } else if plan.isBlocked {
            Output.line(catalog.counted("import.summary.blocked", plan.rejected.count))
        } else if result.imported.isEmpty {
            Output.line(catalog.text("import.summary.noValidRow"))
        } else {
            Output.line(catalog.counted("import.members.summary", result.imported.count, ["cases": String(result.cases.count)]))
        }
        if !dryRun, !plan.isBlocked, !plan.rejected.isEmpty {
            if let file = result.rejectedFile {
                Output.line(catalog.counted("import.summary.rejectedTo", plan.rejected.count, ["file": file.path]))
            } else {
                Output.line(catalog.counted("import.summary.rejected", plan.rejected.count))
            }
        }
        if plan.toImport.isEmpty && !plan.rows.isEmpty { throw ExitCode(1) }
    }

    /// Reports `result`, then exits 1 when rows were given and none is (or, for a dry run,
    /// would be) imported.
    private func finish(_ result: ImportResult, catalog: Catalog, followUp: FollowUpCount? = nil) throws {
        report(result, catalog: catalog)
        if let warning = result.closingWarning {
            Output.error(catalog.text(Message("cli.warning", ["text": catalog.text(warning)])))
        }
        if let followUp {
            Output.line(catalog.text("import.summary.generated", followUp.arguments))
        }
        // Also for a dry run: scripts learn whether the real import would register nothing.
        if result.plan.toImport.isEmpty && !result.plan.rows.isEmpty { throw ExitCode(1) }
    }

    /// Fictitious people, checked by the same path as a file, each registered and followed
    /// up (plans, assessments, referrals, notes) in the past by their fictitious case worker;
    /// only into an empty data directory, so that they can never be mixed with real people.
    private func generated(_ count: Int, session: Session, store: Store, today: CalendarDate) throws -> ImportResult {
        // Everyone reads generated people: a directory with users is not theirs.
        guard store.book.count == 0, store.book.users.isEmpty else { throw CommandError("import.error.generateNotEmpty") }
        let people = try DemoPeople(assets: try Assets.locate())
        let batch = try people.batch(count: count, seed: seed, reference: session.reference, today: today)
        let options = CSVImport.Options(skipInvalid: true, allowDuplicates: true, dryRun: dryRun)
        let plan = try CSVImport.plan(data: batch.csv, reference: session.reference, book: store.book, today: today, options: options)
        // Made when the commits start, once their number is known.
        var progress: ProgressLine?
        defer { progress?.finish() }
        return try DemoPeople.run(plan, histories: batch.histories, store: store, reference: session.reference) { done, total in
            if progress == nil {
                progress = ProgressLine.standardError(task: "progress.task.generate", unit: .changes, total: total,
                                                      catalog: session.catalog)
            }
            progress?.update(done)
        }
    }

    /// What the generated follow-up holds, for the summary.
    private struct FollowUpCount {
        var plans = 0, assessments = 0, referrals = 0, notes = 0, overdue = 0

        init(_ reader: CaseReader) throws {
            let today = CalendarDate.today()
            for item in try reader.allCases() {
                plans += item.activePlans.count
                assessments += item.assessments.count
                referrals += item.referrals.count
                notes += item.notes.count
                if !item.overdueSteps(on: today).isEmpty { overdue += 1 }
            }
        }

        var arguments: [String: String] {
            ["plans": String(plans), "assessments": String(assessments), "referrals": String(referrals),
             "notes": String(notes), "overdue": String(overdue)]
        }
    }

    private func report(_ result: ImportResult, catalog: Catalog) {
        for warning in result.warnings {
            Output.error(catalog.text(Message("cli.warning", ["text": catalog.text(warning)])))
        }
        for problem in result.problems {
            Output.error(problem.text(catalog))
        }
        if generate == nil {
            for note in result.notes {
                Output.error(note.text(catalog))
            }
        }
        let plan = result.plan
        if plan.rows.isEmpty {
            Output.line(catalog.text("import.summary.noRows"))
        } else if dryRun {
            Output.line(catalog.text("import.summary.dryRun", ["valid": String(result.validCount),
                                                              "invalid": String(result.rejectedCount)]))
            if plan.isBlocked { Output.line(catalog.text("import.summary.wouldStop")) }
        } else if plan.isBlocked {
            Output.line(catalog.counted("import.summary.blocked", result.rejectedCount))
        } else if result.imported.isEmpty {
            Output.line(catalog.text("import.summary.noValidRow"))
        } else {
            Output.line(catalog.counted("import.summary.imported", result.imported.count,
                                        ["numbers": CSVImport.ranges(result.imported)]))
            if plan.enrolmentCount > 0 {
                Output.line(catalog.counted("import.summary.enrolled", plan.enrolmentCount,
                                            ["date": catalog.date(plan.today)]))
            }
        }
        if !dryRun, !plan.isBlocked, result.rejectedCount > 0 {
            if let file = result.rejectedFile {
                Output.line(catalog.counted("import.summary.rejectedTo", result.rejectedCount, ["file": file.path]))
            } else {
                Output.line(catalog.counted("import.summary.rejected", result.rejectedCount))
            }
        }
        if plan.options.allowDuplicates && result.duplicateCount > 0 {
            Output.line(catalog.counted(dryRun ? "import.summary.duplicatesWouldBeAllowed" : "import.summary.duplicatesAllowed",
                                        result.duplicateCount))
        }
    }
}
