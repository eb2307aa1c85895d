/// CT numbers (Hounsfield units) used to synthesise `ct.nii.gz` from the labels.
///
/// Sources are those of `DATASHEET.md` §5a; values chosen where the sheet says NOT FOUND are marked.
public struct HounsfieldTable: Sendable {
    /// Air, by definition of the scale.
    public var air: Double = -1000
    /// Skin: not in the data sheet; a soft-tissue value between water and muscle is chosen.
    public var skin: Double = 30
    /// Fat −120 … −90 HU (Wikipedia "Hounsfield scale"); mid-range chosen.
    public var fat: Double = -100
    /// Paraspinal muscle 47.4 HU in men, 36.0 in women (Khil 2020, BMC MSK 21:403).
    public var muscleMale: Double = 47.4
    public var muscleFemale: Double = 36.0
    /// Multifidus 64.8 ± 11.1 HU in men, 57.1 ± 10.0 in women (Kalichman, via Hindawi BMRI 2017; DATASHEET §5a).
    public var multifidusMale: Double = 64.8
    public var multifidusFemale: Double = 57.1
    /// Ligament: NOT FOUND in the data sheet; dense connective tissue ~ +60 HU chosen.
    public var ligament: Double = 60
    /// Disc: NOT FOUND in the data sheet; +80 HU chosen (fibrocartilage, above muscle).
    public var disc: Double = 80
    /// Dura: membranous; muscle-like value chosen (NOT FOUND).
    public var dura: Double = 40
    /// CSF +15 HU (Wikipedia "Hounsfield scale").
    public var csf: Double = 15
    /// Nerve root: NOT FOUND; +35 HU chosen.
    public var nerveRoot: Double = 35
    /// Facet joint capsule and cartilage: NOT FOUND; +80 HU chosen.
    public var facetJoint: Double = 80
    /// Fibrous cleft of a pars defect: NOT FOUND; +50 HU chosen.
    public var parsDefect: Double = 50
    /// Abdominal contents, a soft-tissue mixture: +30 HU chosen (between water and muscle).
    public var otherSoftTissue: Double = 30
    /// Vertebral trabecular bone L1–L4 ≈ 158–164 ± 43 HU (CTSpinoPelvic1K `level_atlas.csv`, secondary).
    public var cancellousBone: Double = 160
    /// Standard deviation of trabecular HU between sites, 43 HU (same source); used for texture.
    public var cancellousTextureSD: Double = 43
    /// Cortical bone +400 … +1000 HU in vertebrae (Grainger & Allison); the upper value is chosen
    /// (the +1800 … +1900 of Wikipedia is for thick long-bone cortex).
    public var corticalBone: Double = 1000
    /// Cortical shell thickness, millimetres (the issue asks ≈1–2 mm).
    public var corticalShellMm: Double = 1.5
    /// Bone thinner than this is cortical throughout: the posterior arch — pars, laminae, spinous and
    /// articular processes — is mostly compact bone, the body a cancellous core in a thin shell
    /// (anatomical assumption; the data sheet gives no thickness). Local thickness is twice the largest
    /// distance-to-surface within half this distance.
    public var corticalBelowThicknessMm: Double = 12
    /// Mild soft-tissue texture, HU (chosen so slices are not flat).
    public var softTissueTextureSD: Double = 8

    public init() {}

    /// The base HU of a non-bone label for the given sex.
    public func hu(_ label: UInt8, sex: Sex) -> Double {
        switch Tissue(rawValue: label) {
        case .air, .none: air
        case .skin: skin
        case .subcutaneousFat, .epiduralFat, .deepFat: fat
        case .muscle, .erectorSpinae, .psoas, .quadratusLumborum: sex == .male ? muscleMale : muscleFemale
        case .multifidus: sex == .male ? multifidusMale : multifidusFemale
        case .ligament, .fascia: ligament
        case .intervertebralDisc: disc
        case .dura: dura
        case .cerebrospinalFluid: csf
        case .nerveRoot: nerveRoot
        case .facetJoint, .sacroiliacJoint: facetJoint
        case .parsDefect: parsDefect
        case .otherSoftTissue: otherSoftTissue
        case .l1, .l2, .l3, .l4, .l5, .sacrum, .ilium, .otherBone: cancellousBone
        }
    }
}
