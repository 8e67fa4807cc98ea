import RetourCore

/// The progress lines of a command whose core work goes in steps (`ProgressStep`): a new line
/// on stderr for each step, the one before erased. Shown once the command has run a second,
/// not each step. `finish` erases the last.
final class ProgressLines {
    private let catalog: Catalog
    private let started = ProgressLine.monotonic()
    private var current: (step: ProgressStep, line: ProgressLine)?

    init(catalog: Catalog) {
        self.catalog = catalog
    }

    func report(_ step: ProgressStep, _ done: Int) {
        if current?.step != step {
            current?.line.finish()
            let delay = max(0, 1 - (ProgressLine.monotonic() - started))
            current = (step, ProgressLine.standardError(task: step.task, unit: step.unit, total: step.total, catalog: catalog,
                                                        delay: delay))
        }
        current?.line.update(done)
    }

    func finish() {
        current?.line.finish()
        current = nil
    }
}
