import Anatomy
import ArgumentParser
import Foundation
import ParsGuideCore
import Procedure

/// `parsguide export-slicer`: a subject (and a plan) as files 3D Slicer opens, in the patient's LPS frame.
struct ExportSlicerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-slicer",
        abstract: "Write a subject's labels, landmarks and a plan as 3D Slicer files, in the patient's frame.",
        discussion: """
        Writes DIR2/labels.seg.nrrd (a segmentation: one named, coloured segment per label), \
        DIR2/landmarks.mrk.json (every landmark as a point list) and, with --plan, DIR2/plan-points.mrk.json \
        (target and entry), DIR2/needle-path.mrk.json (a line from entry to target) and DIR2/probe.tfm (the \
        probe's pose: Slicer shows it as probe-to-world). Coordinates are LPS mm in the frame of the CT the \
        subject came from (a patient's subject is shifted back by its subject.json source.subjectFromPatientMm), \
        so in Slicer they land on the patient's own CT; for a phantom, load its ct.nii.gz beside them.
        """)

    @OptionGroup var subjectFolder: SubjectOption

    @Option(help: "A plan made on this subject by `parsguide plan`.")
    var plan: String?

    @Option(help: "Output folder: new or empty, or with --force one that ParsGuide wrote.")
    var out: String

    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).")
    var force = false

    func run() throws {
        let folder = try OutputFolder(out, command: "export-slicer", force: force)
        let planning = try subjectFolder.load()
        let needlePlan = try plan.map { try NeedlePlan.read(path: $0, for: planning) }
        let shift = planning.document.source?.subjectFromPatientMm ?? [0, 0, 0]
        let toPatient = Vector3(-shift[0], -shift[1], -shift[2])
        let staging = URL(fileURLWithPath: try folder.begin())
        func write(_ data: Data, _ name: String) throws {
            do { try data.write(to: staging.appendingPathComponent(name)) } catch {
                throw AnatomyError.fileWriteFailed(path: (out as NSString).appendingPathComponent(name), reason: ErrorText.sentence(error))
            }
        }
        var present = [Bool](repeating: false, count: 256)
        for l in planning.labels.voxels { present[Int(l)] = true }
        let segments = (1..<256).filter { present[$0] }.map { value -> SegmentationNRRD.Segment in
            let c = LabelPalette.colour(of: UInt8(value))
            return SegmentationNRRD.Segment(name: Tissue(rawValue: UInt8(value))?.name ?? "label \(value)", labelValue: UInt8(value),
                                            colour: SIMD3(Double(c.r), Double(c.g), Double(c.b)) / 255)
        }
        try write(try SegmentationNRRD.encode(planning.labels, segments: segments, offsetMm: toPatient), "labels.seg.nrrd")
        let landmarks = planning.landmarks.sorted { $0.key < $1.key }.map { (label: $0.key, positionMm: $0.value + toPatient) }
        try write(try SlicerMarkups.points(name: "landmarks", landmarks), "landmarks.mrk.json")
        var written = ["labels.seg.nrrd (\(segments.count) segments)", "landmarks.mrk.json (\(landmarks.count) points)"]
        if let p = needlePlan {
            let target = (label: "target \(p.target.name)", positionMm: Vector3(p.target.pointMm[0], p.target.pointMm[1], p.target.pointMm[2]) + toPatient)
            let entry = (label: "entry", positionMm: Vector3(p.entryMm[0], p.entryMm[1], p.entryMm[2]) + toPatient)
            try write(try SlicerMarkups.points(name: "plan \(p.target.name)", [target, entry]), "plan-points.mrk.json")
            try write(try SlicerMarkups.line(name: "needle path \(p.target.name)", from: entry, to: target), "needle-path.mrk.json")
            var m = Matrix4(rows: p.pose.worldFromProbe.map { SIMD4($0[0], $0[1], $0[2], $0[3]) })
            m[0, 3] += toPatient.x; m[1, 3] += toPatient.y; m[2, 3] += toPatient.z
            try write(Data(try ITKTransform.text(parentFromChild: m).utf8), "probe.tfm")
            written += ["plan-points.mrk.json", "needle-path.mrk.json", "probe.tfm"]
        }
        if let replaced = try folder.commit() { FileHandle.standardError.write(Data((replaced + "\n").utf8)) }
        print("wrote \(out): " + written.joined(separator: ", ") + String(format: "; frame: the CT's LPS (shifted by %.2f, %.2f, %.2f mm)", toPatient.x, toPatient.y, toPatient.z))
    }
}
