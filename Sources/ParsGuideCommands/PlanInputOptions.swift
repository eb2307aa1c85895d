import ArgumentParser
import Procedure

/// `--subject DIR --plan plan.json`, shared by insert, inject, confirm: the plan is checked against the
/// subject it was made on.
struct PlanInputOptions: ParsableArguments {
    @OptionGroup var subjectFolder: SubjectOption
    var subject: String { subjectFolder.subject }

    @Option(help: "A plan written by `parsguide plan` on this subject.")
    var plan: String

    func load() throws -> (PlanningSubject, NeedlePlan) {
        let subject = try subjectFolder.load()
        return (subject, try NeedlePlan.read(path: plan, for: subject))
    }
}
