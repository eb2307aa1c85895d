import Foundation
import ParsGuideCore

/// Writes a subject folder: `labels.nii.gz`, `ct.nii.gz`, `subject.json`, the bones' own surfaces
/// (`SubjectSurfaces`) and, when asked, `meshes/<structure>.stl` (marching cubes of the labels). The folder appears whole or not at all, by `OutputFolder`'s rules: everything
/// is written into a sibling staging folder that is renamed into place last.
public enum SubjectWriter {
    public static let labelsFile = "labels.nii.gz"
    public static let ctFile = "ct.nii.gz"
    public static let documentFile = "subject.json"

    /// Structures written with `meshes`: each bone and the thecal sac (dura with its CSF).
    public static let meshStructures: [(name: String, labels: Set<UInt8>)] = [
        ("L1", [Tissue.l1.rawValue]), ("L2", [Tissue.l2.rawValue]), ("L3", [Tissue.l3.rawValue]), ("L4", [Tissue.l4.rawValue]),
        ("L5", [Tissue.l5.rawValue]), ("sacrum", [Tissue.sacrum.rawValue]), ("pelvis", [Tissue.ilium.rawValue]),
        ("dura", [Tissue.dura.rawValue, Tissue.cerebrospinalFluid.rawValue]),
    ]

    /// Writes the subject into `folder` (checked when it was made) and moves it into place. Returns what
    /// was replaced, as a sentence, or nil for a new folder.
    @discardableResult
    public static func write(_ subject: Subject, to folder: OutputFolder, meshes: Bool,
                             progress: (String) -> Void = { _ in }) throws -> String? {
        let staging = URL(fileURLWithPath: try folder.begin())
        progress("writing \(labelsFile)")
        try NIfTI.write(subject.labels, to: staging.appendingPathComponent(labelsFile).path, description: "ParsGuide labels")
        progress("writing \(ctFile)")
        try NIfTI.write(subject.ct, to: staging.appendingPathComponent(ctFile).path, description: subject.source.kind == SubjectSource.patientCTKind ? "ParsGuide patient CT resampled (HU)" : "ParsGuide synthetic CT (HU)")
        var files = ["labels": labelsFile, "ct": ctFile]
        progress("writing the bone surfaces")
        try SubjectSurfaces.write(subject.surfaces, into: staging, files: &files)
        if meshes {
            let boxes = IndexBox.boundingEach(subject.labels)
            let meshDir = staging.appendingPathComponent("meshes")
            do { try FileManager.default.createDirectory(at: meshDir, withIntermediateDirectories: true) } catch {
                throw AnatomyError.fileWriteFailed(path: folder.path, reason: ErrorText.sentence(error))
            }
            for (name, labels) in meshStructures {
                progress("meshing \(name)")
                let box = labels.compactMap { boxes[Int($0)] }.reduce(nil as IndexBox?) { union, b in
                    union.map { IndexBox(lower: pointwiseMin($0.lower, b.lower), upper: pointwiseMax($0.upper, b.upper)) } ?? b
                }
                guard let box else { continue }
                let mesh = MarchingCubes.surface(of: subject.labels, within: box) { labels.contains($0) }
                try STL.write(mesh, to: meshDir.appendingPathComponent("\(name).stl").path)
                files["mesh.\(name)"] = "meshes/\(name).stl"
            }
        }
        try OutputFile.write(SubjectDocument(subject, files: files).encoded(), to: staging.appendingPathComponent(documentFile).path, kind: .json)
        return try folder.commit()
    }

    /// Checks `dir` by `OutputFolder`'s rules, then writes the subject there.
    @discardableResult
    public static func write(_ subject: Subject, to dir: String, force: Bool, meshes: Bool,
                             progress: (String) -> Void = { _ in }) throws -> String? {
        try write(subject, to: OutputFolder(dir, command: "phantom", force: force), meshes: meshes, progress: progress)
    }
}
