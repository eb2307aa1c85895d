import Foundation
import ParsGuideCore

/// A patient's segmentation mapped onto ParsGuide's labels (`Tissue` raw values), on the masks' own grid.
///
/// Read from TotalSegmentator's output — a folder of binary masks named after the structures
/// (`vertebrae_L5.nii.gz`, `sacrum.nii.gz`, `hip_left.nii.gz`, …) or its multilabel file with its class map
/// (id → name) — or from a VerSe-style multilabel file (20–24 L1–L5, 26 sacrum). Structures ParsGuide does
/// not model are left out and counted.
public struct SegmentationMasks: Sendable {
    /// ParsGuide labels on the masks' grid.
    public var labels: Volume<UInt8>
    /// The structures found, by their names in the source.
    public var structures: [String]
    /// One sentence on what was read and what was left out.
    public var summary: String

    /// TotalSegmentator's structure names (v1 and v2) → ParsGuide's labels. The autochthon mask holds the
    /// erector spinae and the transversospinalis group (multifidus) together: it becomes erector spinae. The kidneys
    /// are read so that they are not taken for muscle behind the spine's plane.
    public static let totalSegmentatorNames: [String: Tissue] = [
        "vertebrae_L1": .l1, "vertebrae_L2": .l2, "vertebrae_L3": .l3, "vertebrae_L4": .l4, "vertebrae_L5": .l5,
        "sacrum": .sacrum, "vertebrae_S1": .sacrum, "hip_left": .ilium, "hip_right": .ilium,
        "autochthon_left": .erectorSpinae, "autochthon_right": .erectorSpinae,
        "iliopsoas_left": .psoas, "iliopsoas_right": .psoas,
        "gluteus_maximus_left": .muscle, "gluteus_maximus_right": .muscle, "gluteus_medius_left": .muscle,
        "gluteus_medius_right": .muscle, "gluteus_minimus_left": .muscle, "gluteus_minimus_right": .muscle,
        "kidney_left": .otherSoftTissue, "kidney_right": .otherSoftTissue,
    ]

    /// VerSe's multilabel convention: 20–24 L1–L5, 26 sacrum (25 is a sixth lumbar vertebra).
    public static let verseLabels: [UInt8: Tissue] = [20: .l1, 21: .l2, 22: .l3, 23: .l4, 24: .l5, 26: .sacrum]

    /// Reads `path`: a folder of TotalSegmentator masks, or a multilabel NIfTI file with `classMap` (a JSON
    /// file of id → name, or TotalSegmentator's `{"classes": {id: name}}`) or, without one, VerSe's labels.
    public static func read(path: String, classMap: String? = nil) throws -> SegmentationMasks {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AnatomyError.fileUnreadable(path: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            guard classMap == nil else {
                throw AnatomyError.unsuitableInput(path: path, reason: "a class map goes with a multilabel file, not a folder of masks")
            }
            return try readFolder(path)
        }
        let multilabel = try NIfTI.read(path: path).labels(path: path)
        if let classMap { return try mapped(multilabel, path: path, names: try readClassMap(classMap)) }
        return try verse(multilabel, path: path)
    }

    /// A folder of binary masks, one per structure; every mask must share the first one's grid.
    static func readFolder(_ folder: String) throws -> SegmentationMasks {
        let known = totalSegmentatorNames.keys.sorted()
        var present: [(name: String, file: String)] = []
        for name in known {
            for suffix in [".nii.gz", ".nii"] {
                let file = (folder as NSString).appendingPathComponent(name + suffix)
                if FileManager.default.fileExists(atPath: file) { present.append((name, file)); break }
            }
        }
        guard !present.isEmpty else {
            throw AnatomyError.unsuitableInput(path: folder, reason: "it holds none of TotalSegmentator's masks that ParsGuide uses ("
                + "vertebrae_L1 … vertebrae_L5, sacrum, hip_left, hip_right, autochthon_*, iliopsoas_*, gluteus_*; .nii or .nii.gz)")
        }
        // Muscles first, bones last: where masks overlap, bone wins.
        present.sort { (totalSegmentatorNames[$0.name]!.isBone ? 1 : 0, $0.name) < (totalSegmentatorNames[$1.name]!.isBone ? 1 : 0, $1.name) }
        var labels: Volume<UInt8>? = nil
        for (name, file) in present {
            let mask = try NIfTI.read(path: file).labels(path: file)
            if labels == nil { labels = Volume(grid: mask.grid, repeating: 0) }
            guard mask.grid == labels!.grid else {
                throw AnatomyError.unsuitableInput(path: file, reason: "its grid differs from \(present[0].file)'s: the masks of one folder must share one grid")
            }
            let value = totalSegmentatorNames[name]!.rawValue
            for v in mask.voxels.indices where mask.voxels[v] != 0 { labels!.voxels[v] = value }
        }
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".nii.gz") || $0.hasSuffix(".nii") }.count - present.count
        return SegmentationMasks(labels: labels!, structures: present.map(\.name).sorted(),
                                 summary: "TotalSegmentator masks from \(folder): \(present.count) used, \(max(0, others)) other structures left out")
    }

    /// Reads a class map: `{"id": "name", …}` or `{"classes": {"id": "name", …}}`.
    static func readClassMap(_ path: String) throws -> [UInt8: String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw AnatomyError.fileUnreadable(path: path, reason: ErrorText.sentence(error))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AnatomyError.corruptFile(path: path, reason: "not a JSON object of class id → structure name")
        }
        let table = (object["classes"] as? [String: Any]) ?? object
        var names: [UInt8: String] = [:]
        for (key, value) in table {
            guard let id = UInt8(key), let name = value as? String else { continue }
            names[id] = name
        }
        guard !names.isEmpty else {
            throw AnatomyError.corruptFile(path: path, reason: "no class id (1–255) mapped to a structure name")
        }
        return names
    }

    /// A multilabel file mapped through a class map's structure names.
    static func mapped(_ multilabel: Volume<UInt8>, path: String, names: [UInt8: String]) throws -> SegmentationMasks {
        var table = [UInt8](repeating: 0, count: 256), used: [String] = []
        for (id, name) in names { if let t = totalSegmentatorNames[name] { table[Int(id)] = t.rawValue; used.append(name) } }
        var present = Set<UInt8>()
        let voxels = multilabel.voxels.map { v -> UInt8 in present.insert(v); return table[Int(v)] }
        let found = used.filter { name in names.contains { $0.value == name && present.contains($0.key) } }.sorted()
        return SegmentationMasks(labels: Volume(grid: multilabel.grid, voxels: voxels), structures: found,
                                 summary: "multilabel masks \(path) with a class map: \(found.count) structures used, \(present.subtracting([0]).count - found.count) left out")
    }

    /// A VerSe-style multilabel file.
    static func verse(_ multilabel: Volume<UInt8>, path: String) throws -> SegmentationMasks {
        if let beyond = multilabel.voxels.first(where: { $0 > 28 }) {
            throw AnatomyError.unsuitableInput(path: path, reason: "it holds label \(beyond), beyond VerSe's 1–28 (C1 … L6, T13): for another tool's multilabel file (TotalSegmentator's), give its class map with --classes")
        }
        if multilabel.voxels.contains(25) {
            throw AnatomyError.unsuitableInput(path: path, reason: "read as VerSe labels it holds 25, a sixth lumbar vertebra, which ParsGuide does not model (for TotalSegmentator's multilabel file, give its class map with --classes)")
        }
        var table = [UInt8](repeating: 0, count: 256)
        for (id, t) in verseLabels { table[Int(id)] = t.rawValue }
        let voxels = multilabel.voxels.map { table[Int($0)] }
        let found = Set(voxels).subtracting([0]).compactMap { Tissue(rawValue: $0)?.name }.sorted()
        return SegmentationMasks(labels: Volume(grid: multilabel.grid, voxels: voxels), structures: found,
                                 summary: "VerSe-style multilabel masks \(path) (20–24 L1–L5, 26 sacrum)")
    }
}
