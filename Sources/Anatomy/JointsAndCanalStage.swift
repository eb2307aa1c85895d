/// Stage 2 of the subject build: joints, discs, canal contents, ligaments, landmarks and pars defects, in the
/// spine grid.
///
/// Inputs: the bones (`BoneStage.Output`) and the defects to cut. Output: the spine grid with the facet joints
/// L1-2 … L5-S1, the discs, the thecal sac, epidural fat, nerve roots, ligaments and the defect clefts added;
/// the named landmarks of the bones; the measurements so far.
struct JointsAndCanalStage: SpineGridWork {
    struct Output {
        var spine: Volume<UInt8>
        let voxelMm: Double
        let placed: PlacedBones
        var landmarks: [String: Vector3]
        var measurements: [String: Double]
        /// The defects found in the bone (`detectLysis`), empty otherwise.
        var detected: [ParsDefect] = []
    }

    /// The motion segments, upper and lower level, cranial to caudal.
    static let segments: [(SpinalLevel, SpinalLevel)] = [(.l1, .l2), (.l2, .l3), (.l3, .l4), (.l4, .l5), (.l5, .s1)]

    let h: Double
    let progress: (String) -> Void
    let defects: [ParsDefect]
    /// Whether to look for defects the bone already has (`detectDefects`) before cutting `defects`.
    var detectLysis = false
    /// Whether epidural fat is kept to the canal in front of the posterior arch (`archFront`): for canals
    /// measured on a mask, whose ellipse reaches behind the pars. The phantom's closed rings do not need it.
    var epiduralFatUnderArchOnly = false
    let placed: PlacedBones
    var geo: [SpinalLevel: VertebraGeometry] { placed.geo }
    var sacrum: SacrumFrame { placed.sacrum }
    var spine: Volume<UInt8>
    /// Bounding boxes of each label in the spine grid, taken before the landmarks and the cuts.
    var boneBoxes: [IndexBox?] = []
    var landmarks: [String: Vector3] = [:]
    var measurements: [String: Double]

    /// Takes over the bones' spine grid (pass the output itself, not a copy kept elsewhere, so its voxels
    /// are written in place).
    init(bones: consuming BoneStage.Output, defects: [ParsDefect], progress: @escaping (String) -> Void) {
        spine = bones.spine
        h = bones.voxelMm
        placed = bones.placed
        measurements = bones.measurements
        self.defects = defects
        self.progress = progress
    }

    consuming func run() throws -> Output {
        // Defects the bone has are found first, so that no later structure fills their clefts.
        var detected: [ParsDefect] = []
        if detectLysis {
            progress("looking for pars defects in the bone")
            boneBoxes = IndexBox.boundingEach(spine)
            detected = try detectDefects()
        }
        progress("facet joints L1-2 … L5-S1")
        for (u, l) in Self.segments {
            for side in Side.allCases { facetJoint(upper: u, lower: l, side: side) }
        }
        progress("intervertebral discs")
        for (u, l) in Self.segments { disc(upper: u, lower: l) }
        progress("thecal sac, epidural fat and nerve roots")
        canalContents()
        nerveRoots()
        progress("ligaments")
        for (u, l) in Self.segments { ligaments(upper: u, lower: l) }
        progress("landmarks")
        boneBoxes = IndexBox.boundingEach(spine)
        collectLandmarks()
        progress("pars defects")
        try cutDefects()
        return Output(spine: spine, voxelMm: h, placed: placed, landmarks: landmarks, measurements: measurements, detected: detected)
    }
}
