import ArgumentParser
import Fluoroscopy
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

    /// As `load`, with the subject's CT read beside its labels (each volume once) for the shots.
    func loadWithCT() throws -> (PlanningSubject, NeedlePlan, FluoroScene) {
        let folder = try subjectFolder.open()
        let (ct, labels) = try folder.ctAndLabels()
        let subject = try PlanningSubject(folder, labels: labels)
        let scene = try FluoroScene.subject(ct: ct, labels: labels, document: folder.document, directory: folder.directory)
        return (subject, try NeedlePlan.read(path: plan, for: subject), scene)
    }
}
