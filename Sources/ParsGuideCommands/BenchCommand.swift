import Anatomy
import ArgumentParser
import Foundation

/// `parsguide bench`: the project's benchmarks, run in-process (use a release build).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run benchmarks in-process: warm-up, then the median and minimum of N runs.",
        discussion: "Build with -c release before trusting the numbers. Suites: \(Suite.allCases.map(\.rawValue).joined(separator: ", ")).")

    enum Suite: String, ExpressibleByArgument, CaseIterable { case phantom, ultrasound, fluoro, illustrate, case_ = "case", all }

    @Argument(help: "Which suite to run.")
    var suite: Suite = .all

    @Option(help: "Timed runs per benchmark (after one warm-up).")
    var runs: Int = 5

    @OptionGroup var voxel: VoxelSizeOption

    @Flag(help: "Print one JSON object per benchmark instead of a table.")
    var json = false

    func validate() throws {
        guard (1...100).contains(runs) else { throw ValidationError("--runs \(runs) is out of range: allowed 1–100") }
    }

    func run() throws {
        let suites = suite == .all ? Suite.allCases.filter { $0 != .all } : [suite]
        var results: [BenchmarkResult] = []
        for s in suites {
            switch s {
            case .phantom: results += try phantomBenchmarks()
            case .ultrasound: results += try ultrasoundBenchmarks()
            case .fluoro: results += try fluoroBenchmarks()
            case .illustrate: results += try illustrateBenchmarks()
            case .case_: results += try caseBenchmarks()
            default: break
            }
        }
        for r in results { print(json ? r.json : r.line) }
    }

    func phantomBenchmarks() throws -> [BenchmarkResult] {
        var options = PhantomOptions()
        options.voxelMm = voxel.mm
        options = try options.validated()
        var subject: Subject?
        var build = try BenchmarkResult.measure(name: "phantom.build", runs: runs) { subject = try LumbarPhantom.build(options) }
        let voxels = Double(subject!.labels.grid.voxelCount)
        build.extra["voxels"] = voxels
        build.extra["megavoxelsPerSecond"] = voxels / 1e6 / (build.medianMs / 1000)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let write = try BenchmarkResult.measure(name: "phantom.write", runs: runs) {
            try SubjectWriter.write(subject!, to: dir, force: true, meshes: false)
        }
        return [build, write]
    }
}

/// Timings of one benchmark.
struct BenchmarkResult {
    var name: String
    var medianMs: Double
    var minMs: Double
    var runs: Int
    var cores = ProcessInfo.processInfo.activeProcessorCount
    var peakMemoryMB = BenchmarkResult.peakResidentMB()
    var extra: [String: Double] = [:]

    static func measure(name: String, runs: Int, _ body: () throws -> Void) throws -> BenchmarkResult {
        try body()  // warm-up
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<runs {
            let t = try clock.measure(body)
            times.append(Double(t.components.seconds) * 1000 + Double(t.components.attoseconds) * 1e-15)
        }
        times.sort()
        return BenchmarkResult(name: name, medianMs: times[times.count / 2], minMs: times[0], runs: runs)
    }

    /// Peak resident memory of this process so far, MB (getrusage: ru_maxrss is in KiB on Linux).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    var line: String {
        let extras = extra.keys.sorted().map { "\($0) \(String(format: "%.1f", extra[$0]!))" }.joined(separator: ", ")
        return String(format: "%-16@ median %8.1f ms  min %8.1f ms  runs %d  cores %d  peak %.0f MB", name, medianMs, minMs, runs, cores, peakMemoryMB)
            + (extras.isEmpty ? "" : "  (\(extras))")
    }

    var json: String {
        var object: [String: Any] = ["name": name, "medianMs": medianMs, "minMs": minMs, "runs": runs, "cores": cores, "peakMemoryMB": peakMemoryMB]
        for (k, v) in extra { object[k] = v }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
