/// Where a subject's anatomy comes from, as `subject.json` states it (key `source`; a public contract).
public struct SubjectSource: Sendable, Codable, Equatable {
    /// `phantom` (built by `parsguide phantom`) or `patient-ct` (built by `parsguide subject` from a CT and its masks).
    public var kind: String
    /// One sentence for reports: what the anatomy is.
    public var summary: String
    /// The input files or folders (`ct`, `masks`, `series`), as given.
    public var inputs: [String: String]
    /// The subject's isotropic voxel size, mm.
    public var voxelMm: Double
    /// How the inputs were handled (resampling, orientation, what was derived rather than measured).
    public var notes: [String]
    /// The subject frame minus the input's LPS frame, mm: a point at LPS p in the patient's CT lies at
    /// p + this in the subject (zero for a phantom).
    public var subjectFromPatientMm: [Double]
    /// The largest voxel spacing of the masks the bones came from, mm (`scanVoxelMm` in `subject.json`; absent
    /// for a phantom): surfaces made from the labels are smoothed over this scale
    /// (`MarchingCubes.smoothingSigmaMm(scanVoxelMm:)`), which the labels' own voxel does not show.
    public var scanVoxelMm: Double?
    /// The `scanVoxelMm` a `subject.json` may state, mm (chosen: thin-slice CT to thick-slice reconstructions).
    public static let scanVoxelRangeMm = 0.05...20.0

    public static let phantomKind = "phantom", patientCTKind = "patient-ct"

    public init(kind: String, summary: String, inputs: [String: String] = [:], voxelMm: Double, notes: [String] = [],
                subjectFromPatientMm: [Double] = [0, 0, 0], scanVoxelMm: Double? = nil) {
        self.kind = kind
        self.summary = summary
        self.inputs = inputs
        self.voxelMm = voxelMm
        self.notes = notes
        self.subjectFromPatientMm = subjectFromPatientMm
        self.scanVoxelMm = scanVoxelMm
    }

    /// The parametric phantom at `voxelMm`.
    public static func phantom(voxelMm: Double) -> SubjectSource {
        SubjectSource(kind: phantomKind, summary: "a population-mean lumbar model (L2–L5) with BodyParts3D's L1, sacrum and pelvis, soft tissue sized to the habitus",
                      voxelMm: voxelMm)
    }
}
