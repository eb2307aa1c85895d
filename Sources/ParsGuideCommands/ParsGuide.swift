import ArgumentParser

/// The `parsguide` root command.
public struct ParsGuide: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "parsguide",
        abstract: "Plan, rehearse and document ultrasound-guided lumbar pars interarticularis injections.",
        subcommands: [PhantomCommand.self, SubjectCommand.self, UltrasoundCommand.self, FluoroCommand.self, PlanCommand.self, InsertCommand.self, InjectCommand.self, ConfirmCommand.self, RegistryCommand.self, ODICommand.self, IllustrateCommand.self, CaseCommand.self, ServeCommand.self, SliceCommand.self, ConvertCommand.self, ExportSlicerCommand.self, BenchCommand.self])
    public init() {}

    /// The command line with every negative number that follows an option joined to it (`--at-mm -56` →
    /// `--at-mm=-56`, `--source-dir -0.57,-0.82,0` → `--source-dir=-0.57,-0.82,0`): the argument parser
    /// would take `-56` for an option and report a missing value. Nothing after `--` is touched.
    public static func normalisedArguments(_ arguments: [String]) -> [String] {
        var out: [String] = []
        for a in arguments {
            if out.last.map({ $0.hasPrefix("--") && $0.count > 2 && !$0.contains("=") }) == true, !out.contains("--"),
               Self.isNegativeNumber(a) {
                out[out.count - 1] += "=" + a
            } else {
                out.append(a)
            }
        }
        return out
    }

    /// `-56`, `-0.5`, `-.5`, `-1e3`, or a comma list starting with one (`-0.57,-0.82,0`).
    static func isNegativeNumber(_ text: String) -> Bool {
        guard let first = text.split(separator: ",", omittingEmptySubsequences: false).first, first.hasPrefix("-") else { return false }
        return Double(first) != nil
    }
}
