/// One step of a long piece of core work, as its progress line names it: what it does (`task`,
/// a catalogue key), what it counts and how many in all, known before it starts. Core work of
/// several steps reports `(step, done)` through a callback whose default does nothing; the
/// command shows each step as a `ProgressLine` of its own.
public struct ProgressStep: Hashable, Sendable {
    public let task: String
    public let unit: ProgressLine.Unit
    public let total: Int

    public init(task: String, unit: ProgressLine.Unit, total: Int) {
        self.task = task
        self.unit = unit
        self.total = total
    }

    /// `(step, done)`: `done` of `step.total` are done. Called on the thread that asked for the work.
    public typealias Report = (ProgressStep, Int) -> Void
}
