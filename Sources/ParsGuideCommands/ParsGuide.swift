import ArgumentParser

/// The `parsguide` root command.
public struct ParsGuide: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "parsguide",
        abstract: "Plan, rehearse and document ultrasound-guided lumbar pars interarticularis injections.",
        subcommands: [PhantomCommand.self, UltrasoundCommand.self, FluoroCommand.self, PlanCommand.self, InsertCommand.self, InjectCommand.self, ConfirmCommand.self, RegistryCommand.self, ODICommand.self, IllustrateCommand.self, CaseCommand.self, ServeCommand.self, SliceCommand.self, BenchCommand.self])
    public init() {}
}
