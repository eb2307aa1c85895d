import Foundation
import ParsGuideCore

/// A patient's CT and its masks, as read (`parsguide subject`).
public struct PatientCTInput: Sendable {
    /// Hounsfield units on the scan's own grid (world LPS mm, any orientation or handedness).
    public var ct: Volume<Float>
    public var masks: SegmentationMasks
    /// The inputs as given (`ct`, `masks`, `series`, `classes`), for `subject.json`.
    public var inputs: [String: String]
    /// What reading them did (e.g. which DICOM series), for `subject.json`.
    public var notes: [String]

    public init(ct: Volume<Float>, masks: SegmentationMasks, inputs: [String: String], notes: [String] = []) {
        self.ct = ct
        self.masks = masks
        self.inputs = inputs
        self.notes = notes
    }
}

/// Builds a subject from a patient's CT and its vertebra masks: the bones are the masks, the soft tissue is
/// classified from the CT's Hounsfield units, and the structures a CT cannot separate — facet joints, discs,
/// the thecal sac, epidural fat, nerve roots, ligaments, the pars and its defects — are derived from the
/// bones by the same stages as the phantom's (`JointsAndCanalStage`).
///
/// Frame: the patient's LPS shifted along x so that the lumbar midline (the mean x of the L1–L5 masks) is
/// x = 0, as the stages expect; the shift is stated in `subject.json` (`source.subjectFromPatientMm`). The CT
/// is resampled onto an axis-aligned isotropic grid (trilinear), the masks by the label of largest
/// trilinear weight (nearest label would leave the scan's voxel steps on every bone).
public enum PatientCTBuild {
    /// Adipose tissue −190 … −30 HU (Yoshizumi et al., Radiology 1999;211:283; Kvist et al., Am J Clin Nutr
    /// 1988;48:1351). Values between the body threshold and −190 are partial volumes of fat with air and are
    /// counted as fat (chosen).
    public static let fatUpperHU: Float = -30
    /// Skeletal muscle −29 … +150 HU (Mitsiopoulos et al., J Appl Physiol 1998;85:115).
    public static let muscleRangeHU: ClosedRange<Float> = -29...150
    /// Air below −500 HU, halfway between air and fat (chosen): the body is what lies above it.
    public static let bodyThresholdHU: Float = -500
    /// Bone outside the masks (ribs, femora): above +250 HU (chosen: above muscle's +150 and unenhanced
    /// blood's +40 … +60 with room for calcified vessel walls' partial volumes to stay out in most voxels).
    public static let boneThresholdHU: Float = 250
    /// Skin thickness, mm (as the phantom's `LumbarPhantom.Layers.skinMm`).
    public static let skinMm = LumbarPhantom.Layers.skinMm
    /// Margins of the subject's grid around the bones it needs, mm (chosen): above L1 and below the pelvis.
    static let cranialMarginMm = 25.0, caudalMarginMm = 5.0, sideMarginMm = 5.0

    /// The levels a subject needs: L1–L5 and the sacrum (the stages build joints, discs and canal L1 … S1).
    static let requiredBones: [Tissue] = [.l1, .l2, .l3, .l4, .l5, .sacrum]

    /// What to do about pars defects.
    public enum Defects: Sendable, Equatable {
        /// Find the defects the bone has (`JointsAndCanalStage.detectDefects`) and label their clefts.
        case auto
        /// Carve these clefts as the phantom does (none: leave the bone as it is).
        case carve([ParsDefect])

        /// `auto`, `none` or a list such as `L5-left,L5-right` (`ParsDefect.parseList`).
        public static func parse(_ text: String, gapMm: Double = ParsDefect.defaultGapMm, obliquity: Angle = ParsDefect.defaultObliquity) throws -> Defects {
            text.trimmingCharacters(in: .whitespaces).lowercased() == "auto" ? .auto : .carve(try ParsDefect.parseList(text, gapMm: gapMm, obliquity: obliquity))
        }
    }

    public static func build(_ input: PatientCTInput, voxelMm h: Double, defects: Defects,
                             progress: @escaping (String) -> Void = { _ in }) throws -> Subject {
        guard h.isFinite, PhantomOptions.voxelRangeMm.contains(h) else {
            throw ParameterOutOfRange(parameter: PhysicalParameter(name: "voxel size", unit: "mm", range: PhantomOptions.voxelRangeMm), value: h)
        }
        let masksPath = input.inputs["masks"] ?? "the masks", ctPath = input.inputs["ct"] ?? "the CT"
        progress("checking the masks against the CT")
        let survey = MaskSurvey(input.masks.labels)
        try survey.requireLumbarSpine(path: masksPath, structures: input.masks.structures)
        try survey.requireOverlap(with: input.ct, ctPath: ctPath, masksPath: masksPath)
        let shift = Vector3(-survey.lumbarMeanX, 0, 0)

        progress("the body outline in the CT")
        let outside = CoarseBody.outside(of: input.ct, thresholdHU: bodyThresholdHU)
        let grid = try subjectGrid(input.ct, outside: outside, survey: survey, shift: shift, h: h)
        try MemoryBudget.check(String(format: "a subject of %d×%d×%d voxels at %.2f mm", grid.dimensions.x, grid.dimensions.y, grid.dimensions.z, h),
                               neededBytes: 8 * Double(grid.voxelCount), advice: "use --voxel-mm 1 or coarser")

        progress(String(format: "resampling the CT and masks onto %d×%d×%d voxels of %.2f mm", grid.dimensions.x, grid.dimensions.y, grid.dimensions.z, h))
        var sampled = PatientCTResampler(ct: input.ct, outside: outside, masks: input.masks.labels, shift: shift, spinePlane: survey.spinePlane(shift: shift))
            .resample(onto: grid)
        progress("skin")
        sampled.addSkin(thicknessMm: skinMm)
        progress("fat split at the body wall")
        sampled.separateDeepFat()

        progress("joints, discs, canal and pars from the vertebrae")
        var labels = sampled.labels
        let spineBox = try spineBox(labels)
        let spine = try subVolume(labels, spineBox) { $0 >= Tissue.l1.rawValue && $0 <= Tissue.sacrum.rawValue ? $0 : 0 }
        let bones = try BoneStage(maskedSpine: spine, voxelMm: h, progress: progress).runOnMasks()
        var carved: [ParsDefect] = []
        if case .carve(let list) = defects { carved = list }
        var stage = JointsAndCanalStage(bones: consume bones, defects: carved, progress: progress)
        stage.detectLysis = defects == .auto
        stage.epiduralFatUnderArchOnly = true
        let built = try stage.run()
        paste(built.spine, into: &labels, at: spineBox)

        var landmarks = built.landmarks, measurements = built.measurements
        SkinLandmarks.add(labels: labels, voxelMm: h, landmarks: &landmarks, measurements: &measurements)
        for (side, top) in iliacCrestTops(labels) { landmarks["ilium.\(side.rawValue).crestTop"] = top }

        let spacing = input.ct.grid.spacingMm, maskVoxelMm = input.masks.labels.grid.spacingMm.max()
        var notes = input.notes + [
            String(format: "CT resampled (trilinear) from %.2f × %.2f × %.2f mm voxels onto an axis-aligned %.2f mm grid in LPS", spacing.x, spacing.y, spacing.z, h),
            "masks resampled onto the same grid by the label of largest trilinear weight" + (input.masks.labels.grid == input.ct.grid ? "" : " (they were on a grid other than the CT's)"),
            String(format: "subject frame = patient LPS shifted by %.2f mm along x, so that the lumbar midline is x = 0", shift.x),
            "bones from the masks; skin (outer \(Int(skinMm)) mm of the body above \(Int(bodyThresholdHU)) HU), fat (≤ \(Int(fatUpperHU)) HU; subcutaneous outside the body wall, deep fat within it) and muscle (\(Int(muscleRangeHU.lowerBound))…\(Int(muscleRangeHU.upperBound)) HU behind the spine, or the masks' muscles) from the CT; other bone above \(Int(boneThresholdHU)) HU",
            "modelled from the vertebrae as in the phantom, not seen in the CT: facet joints, discs, thecal sac, epidural fat, nerve roots, ligaments, the sacral canal, the pars" + (carved.isEmpty ? "" : " and the carved defects"),
        ]
        notes += orientationNotes(input.ct.grid)
        notes.append(input.masks.summary)
        if defects == .auto {
            notes.append("defects looked for in the bone (auto): " + (built.detected.isEmpty ? "none found" : built.detected.map(\.name).joined(separator: ", ")))
        }
        let source = SubjectSource(kind: SubjectSource.patientCTKind,
                                   summary: String(format: "scanned at %.2f × %.2f × %.2f mm, with its vertebra masks", spacing.x, spacing.y, spacing.z),
                                   inputs: input.inputs, voxelMm: h, notes: notes, subjectFromPatientMm: [shift.x, shift.y, shift.z],
                                   scanVoxelMm: maskVoxelMm)
        progress("bone surfaces")
        return Subject(habitus: nil, defects: carved + built.detected, labels: labels, ct: sampled.hounsfield, landmarks: landmarks,
                       measurements: measurements, seed: 0, surfaces: try boneSurfaces(labels, maskVoxelMm: maskVoxelMm), source: source,
                       attribution: ["CT and masks: supplied by the user (\(ctPath); \(masksPath))"])
    }

    /// The subject's grid: axis-aligned, isotropic `h`, on the lattice of multiples of `h` (subject frame);
    /// from below the pelvis and sacrum to above L1, across the body there, within the CT.
    static func subjectGrid(_ ct: Volume<Float>, outside: [Bool], survey: MaskSurvey, shift: Vector3, h: Double) throws -> Grid {
        let ctBox = worldBounds(ct.grid)
        let zLo = max(ctBox.lo.z, survey.lowestPelvicZ - caudalMarginMm), zHi = min(ctBox.hi.z, survey.highestL1Z + cranialMarginMm)
        var lo = Vector3(.infinity, .infinity, zLo), hi = Vector3(-.infinity, -.infinity, zHi)
        let g = ct.grid
        for v in outside.indices where !outside[v] {
            let ijk = g.index(ofLinear: v), p = g.world(ijk.x, ijk.y, ijk.z)
            guard p.z >= zLo - 3 * g.spacingMm.z, p.z <= zHi + 3 * g.spacingMm.z else { continue }
            lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
        }
        guard lo.x.isFinite, zHi > zLo else { throw AnatomyError.geometry(reason: "no body found in the CT around the lumbar spine") }
        let m = Vector3(sideMarginMm, sideMarginMm, 0)
        lo = pointwiseMax(lo - m, ctBox.lo); hi = pointwiseMin(hi + m, ctBox.hi)
        lo.z = zLo; hi.z = zHi
        return try LumbarPhantom.latticeGrid(lo: lo + shift, hi: hi + shift, h: h)
    }

    /// What resampling did about the CT's orientation: axes oblique to LPS (the largest angle) or left-handed
    /// storage, each resampled through the affine. Axes that merely run backwards (a RAS file read as LPS) are
    /// ordinary and not noted.
    static func orientationNotes(_ g: Grid) -> [String] {
        let m = g.worldFromIndex, s = g.spacingMm
        var notes: [String] = [], worst = 0.0
        for c in 0..<3 {
            let largest = (0..<3).map { abs(m[$0, c]) }.max()!
            worst = max(worst, acos(min(1, largest / s[c])) * 180 / .pi)
        }
        if worst > 0.01 { notes.append(String(format: "the CT's axes are oblique to LPS (up to %.1f°): resampled through its affine", worst)) }
        let det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]) - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
            + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0])
        if det < 0 { notes.append("the CT's voxel axes are left-handed (mirrored storage): resampled through its affine") }
        return notes
    }

    /// The world box of a grid's voxel centres (its eight corners), mm.
    static func worldBounds(_ g: Grid) -> (lo: Vector3, hi: Vector3) {
        let n = g.dimensions &- 1
        var lo = Vector3(.infinity, .infinity, .infinity), hi = -lo
        for c in 0..<8 {
            let p = g.world(c & 1 == 0 ? 0 : n.x, c & 2 == 0 ? 0 : n.y, c & 4 == 0 ? 0 : n.z)
            lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
        }
        return (lo, hi)
    }

    /// The index box of L1–L5 and the sacrum, widened by 20 mm (the canal and joint stages reach that far).
    static func spineBox(_ labels: Volume<UInt8>) throws -> IndexBox {
        guard let box = IndexBox.bounding(labels, where: { $0 >= Tissue.l1.rawValue && $0 <= Tissue.sacrum.rawValue }) else {
            throw AnatomyError.geometry(reason: "the resampled masks hold no vertebra")
        }
        return box.expanded(by: Int((20 / labels.grid.spacingMm.x).rounded(.up)), within: labels.grid)
    }

    /// The voxels of `box` as their own volume (same lattice), each mapped by `keep`.
    static func subVolume(_ v: Volume<UInt8>, _ box: IndexBox, _ keep: (UInt8) -> UInt8) throws -> Volume<UInt8> {
        let g = v.grid, s = box.size
        let sub = try Grid(dimensions: s, spacingMm: g.spacingMm, originMm: g.world(box.lower.x, box.lower.y, box.lower.z))
        var out = [UInt8](repeating: 0, count: s.x * s.y * s.z)
        var n = 0
        for k in box.lower.z...box.upper.z {
            for j in box.lower.y...box.upper.y {
                let row = g.linearIndex(box.lower.x, j, k)
                for i in 0..<s.x { out[n] = keep(v.voxels[row + i]); n += 1 }
            }
        }
        return Volume(grid: sub, voxels: out)
    }

    /// Copies the spine grid's structures into the full labels: everything it labelled wins; spinal bone it
    /// no longer holds (the modelled sacral canal carved out of it) becomes other soft tissue.
    static func paste(_ spine: Volume<UInt8>, into labels: inout Volume<UInt8>, at box: IndexBox) {
        let s = box.size, g = labels.grid
        var n = 0
        for k in box.lower.z...box.upper.z {
            for j in box.lower.y...box.upper.y {
                let row = g.linearIndex(box.lower.x, j, k)
                for i in 0..<s.x {
                    let value = spine.voxels[n], old = labels.voxels[row + i]
                    if value != 0 {
                        labels.voxels[row + i] = value
                    } else if old >= Tissue.l1.rawValue && old <= Tissue.sacrum.rawValue {
                        labels.voxels[row + i] = Tissue.otherSoftTissue.rawValue
                    }
                    n += 1
                }
            }
        }
    }

    /// Each bone's surface for shading (the illustrations and the 3D view): marching cubes of its label,
    /// smoothed — a patient's bones have no source meshes. Meshed on a grid of about 1 mm (every n-th voxel;
    /// chosen): the example's masks come from a 3 mm scan, and at 0.5 mm the meshes took 19 s and 5 s to write.
    /// The smoothing's σ comes from the masks' own voxel (`maskVoxelMm`, their largest spacing;
    /// `MarchingCubes.smoothingSigmaMm(scanVoxelMm:)`): their resampled labels keep the source grid's staircase,
    /// which one pass (σ 0.7 mm) left as a terrace every source voxel on every bone.
    static func boneSurfaces(_ full: Volume<UInt8>, maskVoxelMm: Double) throws -> [UInt8: TriangleMesh] {
        let stride = max(1, Int((1 / full.grid.spacingMm.x).rounded(.down)))
        let labels = try subsampled(full, by: stride)
        let passes = MarchingCubes.smoothingPasses(sigmaMm: MarchingCubes.smoothingSigmaMm(scanVoxelMm: maskVoxelMm),
                                                   gridMm: labels.grid.spacingMm.max())
        let boxes = IndexBox.boundingEach(labels)
        let bones: [Tissue] = [.l1, .l2, .l3, .l4, .l5, .sacrum, .ilium]
        let meshes = ResultSlots<TriangleMesh>(count: bones.count)
        DispatchQueue.concurrentPerform(iterations: bones.count) { n in
            let label = bones[n].rawValue
            guard let box = boxes[Int(label)] else { return }
            meshes[n] = MarchingCubes.surface(of: labels, within: box, smoothingPasses: passes) { $0 == label }
        }
        var out: [UInt8: TriangleMesh] = [:]
        for (n, bone) in bones.enumerated() { if let m = meshes[n], !m.triangles.isEmpty { out[bone.rawValue] = m } }
        return out
    }

    /// Every `n`-th voxel of `v` along each axis, on a grid of `n` times the spacing with the same first voxel.
    static func subsampled(_ v: Volume<UInt8>, by n: Int) throws -> Volume<UInt8> {
        guard n > 1 else { return v }
        let d = v.grid.dimensions, e = (d &+ (n - 1)) / n
        let grid = try Grid(dimensions: e, spacingMm: v.grid.spacingMm * Double(n), originMm: v.grid.world(0, 0, 0))
        var out = [UInt8](repeating: 0, count: e.x * e.y * e.z), w = 0
        for k in 0..<e.z { for j in 0..<e.y { for i in 0..<e.x { out[w] = v[i * n, j * n, k * n]; w += 1 } } }
        return Volume(grid: grid, voxels: out)
    }

    /// The highest ilium voxel on each side of the midline.
    static func iliacCrestTops(_ labels: Volume<UInt8>) -> [Side: Vector3] {
        guard let box = IndexBox.bounding(labels, where: { $0 == Tissue.ilium.rawValue }) else { return [:] }
        var out: [Side: Vector3] = [:]
        let g = labels.grid
        for k in stride(from: box.upper.z, through: box.lower.z, by: -1) where out.count < 2 {
            for j in box.lower.y...box.upper.y {
                for i in box.lower.x...box.upper.x where labels[i, j, k] == Tissue.ilium.rawValue {
                    let p = g.world(i, j, k)
                    let side: Side = p.x > 0 ? .left : .right
                    if out[side] == nil { out[side] = p }
                }
            }
        }
        return out
    }
}
