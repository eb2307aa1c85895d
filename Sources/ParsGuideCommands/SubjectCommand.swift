import Anatomy
import ArgumentParser
import DICOM
import Foundation
import ParsGuideCore

/// `parsguide subject`: a subject folder from a patient's CT and its vertebra masks.
struct SubjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject",
        abstract: "Build a subject from a patient's CT (NIfTI or DICOM) and its vertebra masks (TotalSegmentator or VerSe).",
        discussion: """
        Writes the same folder as `phantom` (labels.nii.gz, ct.nii.gz, subject.json), so every command runs on \
        it. The bones are the masks (L1–L5 and the sacrum are needed; hip bones, autochthon, iliopsoas, gluteal \
        and kidney masks are used where given); skin, fat and muscle come from the CT's Hounsfield units; the \
        facet joints, discs, thecal sac, nerve roots, ligaments and the pars are derived from the vertebrae as \
        in the phantom. The CT and masks are resampled onto an isotropic grid in LPS, the frame shifted so the \
        lumbar midline is x = 0; subject.json's "source" states the shift and every handling. Refused: masks \
        without L1–L5 and the sacrum, masks that do not lie on this CT's bone, and every DICOM problem \
        `convert` refuses.
        """)

    @Option(help: "The CT: a NIfTI file (.nii or .nii.gz, HU) or a folder holding a DICOM series.")
    var ct: String

    @Option(help: "Series Instance UID to read when the DICOM folder holds several.")
    var series: String?

    @Option(help: "TotalSegmentator's masks: its output folder (vertebrae_L5.nii.gz, sacrum.nii.gz, …) or a multilabel NIfTI file.")
    var masks: String

    @Option(help: "Class map (JSON, id → structure name) of a multilabel --masks file; without it the file is read as VerSe labels (20–24 L1–L5, 26 sacrum).")
    var classes: String?

    @Option(help: "Pars defects: auto to find the ones the bone has (an arch cut off from its body on a side), LEVEL-SIDE,… (levels L1–L5) to carve them, or none to leave the bone as it is.")
    var defects: String = "auto"

    @OptionGroup var defectShape: DefectShapeOptions

    @OptionGroup var voxel: VoxelSizeOption

    @Flag(help: "Also write binary STL surfaces of each bone and the dura (marching cubes).")
    var meshes = false

    @Option(help: "Output folder: new or empty, or with --force one that ParsGuide wrote.")
    var out: String

    @Flag(help: "Replace a non-empty output folder that ParsGuide wrote (never any other folder).")
    var force = false

    func run() throws {
        let defects = try PatientCTBuild.Defects.parse(defects, gapMm: defectShape.gapMm, obliquity: defectShape.obliquity)
        let voxelMm = voxel.mm
        try VoxelSizeOption.parameter.checked(voxelMm)
        let folder = try OutputFolder(out, command: "subject", force: force)
        let clock = ContinuousClock(), start = clock.now
        let progress = Progress(start: start).say
        progress("reading the CT")
        var inputs = ["ct": ct, "masks": masks], notes: [String] = []
        let volume: Volume<Float>
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: ct, isDirectory: &isDirectory), isDirectory.boolValue {
            let s = try DICOMSeries.read(folder: ct, seriesUID: series)
            volume = s.volume
            inputs["series"] = s.seriesInstanceUID
            notes.append("CT read from a DICOM series (\(s.volume.grid.dimensions.z) slices, \(s.modality), transfer syntax \(s.transferSyntaxUID))"
                + (s.skippedFiles.isEmpty ? "" : "; \(s.skippedFiles.count) files that are not DICOM skipped"))
        } else {
            guard series == nil else { throw ValidationError("--series chooses a DICOM series: --ct \(ct) is not a folder") }
            volume = try NIfTI.read(path: ct).float32
        }
        if let classes { inputs["classes"] = classes }
        progress("reading the masks")
        let segmentation = try SegmentationMasks.read(path: masks, classMap: classes)
        let subject = try PatientCTBuild.build(PatientCTInput(ct: volume, masks: segmentation, inputs: inputs, notes: notes),
                                               voxelMm: voxelMm, defects: defects, progress: progress)
        if let replaced = try SubjectWriter.write(subject, to: folder, meshes: meshes, progress: progress) { progress(replaced) }
        let g = subject.labels.grid
        print("wrote \(out): \(g.dimensions.x)×\(g.dimensions.y)×\(g.dimensions.z) voxels of \(voxelMm) mm from the patient's CT, "
            + "pars found: \(subject.landmarks.keys.filter { $0.hasSuffix(".pars") }.count) of 10, "
            + "defects \(defects == .auto ? "found" : "carved"): \(subject.defects.map(\.name).joined(separator: ", ").ifEmpty("none")), "
            + "in \(Progress.seconds(clock.now - start)) s")
    }
}
