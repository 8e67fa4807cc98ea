import Foundation

/// The fuzzing executable: libFuzzer's driver, run on the target `RETOUR_FUZZ_TARGET` names.
/// With `RETOUR_FUZZ_SEEDS=DIR` it writes that target's first inputs into DIR instead (files a
/// real session writes), from which a corpus grows.
@main
enum RetourFuzz {
    static func main() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let name = environment["RETOUR_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("RETOUR_FUZZ_TARGET must be one of: \(names)\n".utf8))
            exit(2)
        }
        if let directory = environment["RETOUR_FUZZ_SEEDS"] {
            for (index, seed) in try target.seeds().enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: directory).appendingPathComponent("seed-\(index)"))
            }
            return
        }
        Current.target = target
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Current.target.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        })
    }
}

/// The target the C callback runs (it cannot capture one). Set once, before the driver starts.
enum Current {
    nonisolated(unsafe) static var target = FuzzTarget.csv
}

/// libFuzzer's entry point when it is linked without its own `main` (`fuzzer_no_main`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
