import Foundation

/// Writes a subject folder: `labels.nii.gz`, `ct.nii.gz`, `subject.json` and, when asked,
/// `meshes/<structure>.stl`. The folder appears whole or not at all: everything is written into a
/// sibling temporary folder that is renamed into place last.
public enum SubjectWriter {
    public static let labelsFile = "labels.nii.gz"
    public static let ctFile = "ct.nii.gz"
    public static let documentFile = "subject.json"

    /// Structures written with `meshes`: each bone and the thecal sac (dura with its CSF).
    public static let meshStructures: [(name: String, labels: Set<UInt8>)] = [
        ("L2", [Tissue.l2.rawValue]), ("L3", [Tissue.l3.rawValue]), ("L4", [Tissue.l4.rawValue]),
        ("L5", [Tissue.l5.rawValue]), ("sacrum", [Tissue.sacrum.rawValue]),
        ("dura", [Tissue.dura.rawValue, Tissue.cerebrospinalFluid.rawValue]),
    ]

    /// Refuses an output folder that exists and holds anything, unless `force`.
    public static func checkDestination(_ dir: String, force: Bool) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else { return }
        guard isDir.boolValue else {
            throw AnatomyError.fileWriteFailed(path: dir, reason: "it exists and is not a folder")
        }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        if !contents.isEmpty && !force {
            throw AnatomyError.fileWriteFailed(path: dir, reason: "the folder exists and is not empty (\(contents.count) entries); pass --force to replace it")
        }
    }

    public static func write(_ subject: Subject, to dir: String, force: Bool, meshes: Bool,
                             progress: (String) -> Void = { _ in }) throws {
        try checkDestination(dir, force: force)
        let fm = FileManager.default
        let target = URL(fileURLWithPath: dir).standardizedFileURL
        let staging = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        try? fm.removeItem(at: staging)
        do { try fm.createDirectory(at: staging, withIntermediateDirectories: true) } catch {
            throw AnatomyError.fileWriteFailed(path: staging.path, reason: error.localizedDescription)
        }
        do {
            progress("writing \(labelsFile)")
            try NIfTI.write(subject.labels, to: staging.appendingPathComponent(labelsFile).path, description: "ParsGuide labels")
            progress("writing \(ctFile)")
            try NIfTI.write(subject.ct, to: staging.appendingPathComponent(ctFile).path, description: "ParsGuide synthetic CT (HU)")
            var files = ["labels": labelsFile, "ct": ctFile]
            if meshes {
                let boxes = IndexBox.boundingEach(subject.labels)
                let meshDir = staging.appendingPathComponent("meshes")
                try fm.createDirectory(at: meshDir, withIntermediateDirectories: true)
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
            let doc = SubjectDocument(subject, files: files)
            try doc.encoded().write(to: staging.appendingPathComponent(documentFile), options: .atomic)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: staging, to: target)
        } catch {
            try? fm.removeItem(at: staging)
            if let e = error as? AnatomyError { throw e }
            throw AnatomyError.fileWriteFailed(path: dir, reason: error.localizedDescription)
        }
    }
}
