import ArgumentParser
import Procedure

/// `--subject DIR --plan plan.json`, shared by insert, inject, confirm: the plan is checked against the
/// subject it was made on.
struct PlanInputOptions: ParsableArguments {
    @Option(help: "Subject folder written by `parsguide phantom`.")
    var subject: String

    @Option(help: "A plan written by `parsguide plan` on this subject.")
    var plan: String

    func load() throws -> (PlanningSubject, NeedlePlan) {
        let subject = try PlanningSubject.load(directory: self.subject)
        return (subject, try NeedlePlan.read(path: plan, for: subject))
    }
}
