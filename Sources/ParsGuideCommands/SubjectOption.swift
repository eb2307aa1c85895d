import Anatomy
import ArgumentParser
import Procedure

/// `--subject DIR`, shared by the commands that need a subject folder: one help text, and one check of the
/// folder (`SubjectFolder`: its subject.json and labels are there, or a sentence saying how to make one),
/// run before the folder's volumes are read.
struct SubjectOption: ParsableArguments {
    @Option(help: ArgumentHelp("Subject folder, from `parsguide phantom` or `parsguide subject`.", valueName: "DIR"))
    var subject: String

    /// Refuses a folder that is not a subject's.
    func check() throws { _ = try open() }

    /// The folder, opened (its subject.json read and checked).
    func open() throws -> SubjectFolder { try SubjectFolder(directory: subject) }

    /// The folder's labels and subject.json, checked.
    func load() throws -> PlanningSubject { try PlanningSubject.load(directory: subject) }
}
