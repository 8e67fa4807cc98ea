import Foundation
import Testing

@Suite struct NoTerminalTests {
    /// A script that starts `retour` with a pipe for input gets one line and exit 1, at once,
    /// instead of a case manager reading end-of-file for ever.
    @Test func theCaseManagerWithoutATerminalSaysSoAndStops() throws {
        let harness = try Harness()
        defer { harness.cleanUp() }
        let run = try harness.run([])
        #expect(run.status == 1)
        #expect(run.stderr == "retour: The case manager needs a terminal (its keyboard and screen); its input or output is a file or a pipe here. For scripts, use retour list, show, export or import.\n")
        #expect(!FileManager.default.fileExists(atPath: harness.data.path), "nothing created")
    }
}
