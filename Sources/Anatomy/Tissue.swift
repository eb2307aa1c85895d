/// The label values of `labels.nii.gz`. These numbers are a public contract: other tools read them.
///
/// Vertebrae follow the VerSe convention (20 L1 … 24 L5, 26 sacrum); soft tissue uses 100 and up.
public enum Tissue: UInt8, CaseIterable, Sendable, Codable {
    case air = 0
    case l1 = 20, l2 = 21, l3 = 22, l4 = 23, l5 = 24
    case sacrum = 26
    case skin = 100
    case subcutaneousFat = 101
    case muscle = 102
    /// Ligamentum flavum, interspinous and supraspinous ligaments.
    case ligament = 103
    case intervertebralDisc = 104
    /// The thecal sac wall.
    case dura = 105
    case cerebrospinalFluid = 106
    case nerveRoot = 107
    /// Capsule, cartilage and joint space.
    case facetJoint = 108
    /// The fibrous cleft filling a pars interarticularis defect.
    case parsDefect = 109
    case otherSoftTissue = 110
    case ilium = 111
    /// Fat in the epidural space around the thecal sac (added by ParsGuide beyond the list).
    case epiduralFat = 112
    /// The sacroiliac joint space between sacrum and ilium (cartilage and synovium; added with the pelvis).
    case sacroiliacJoint = 113
    /// The paraspinal compartments (added with the shaped back): multifidus over the laminae between the
    /// spinous process and the facet line, erector spinae lateral to it, and the fascia — the thoracolumbar
    /// fascia's posterior layer over both and the septum between them. Other muscle stays 102.
    case multifidus = 114
    case erectorSpinae = 115
    case fascia = 116
    /// The deep muscles of the lumbar wall (added with the tapered psoas): psoas major beside the vertebral
    /// bodies and quadratus lumborum lateral to the transverse processes, in front of the erector spinae.
    case psoas = 117
    case quadratusLumborum = 118
    /// Bone that a patient's CT shows and its masks do not name (ribs, femora; `parsguide subject`): Hounsfield
    /// units above `PatientCTBuild.boneThresholdHU` outside the vertebra, sacrum and hip masks.
    case otherBone = 119
    /// Fat inside the body wall (`parsguide subject`): visceral, retroperitoneal and intermuscular fat — the
    /// CT's fat that does not reach the skin through fat (`PatientCTResampler.Sampled.separateDeepFat`).
    case deepFat = 120

    /// True for every bone label (vertebrae, sacrum, ilium, other bone).
    public var isBone: Bool { Tissue.isBone(rawValue) }

    /// True when a raw label value is a bone.
    @inlinable public static func isBone(_ label: UInt8) -> Bool {
        (label >= 20 && label <= 26) || label == 111 || label == 119
    }

    /// True for every muscle label (the paraspinal compartments and other muscle).
    @inlinable public static func isMuscle(_ label: UInt8) -> Bool {
        label == Tissue.muscle.rawValue || label == Tissue.multifidus.rawValue || label == Tissue.erectorSpinae.rawValue
            || label == Tissue.psoas.rawValue || label == Tissue.quadratusLumborum.rawValue
    }

    /// A short human-readable name, used in `subject.json` and legends.
    public var name: String {
        switch self {
        case .air: "air"
        case .l1: "L1"
        case .l2: "L2"
        case .l3: "L3"
        case .l4: "L4"
        case .l5: "L5"
        case .sacrum: "sacrum"
        case .skin: "skin"
        case .subcutaneousFat: "subcutaneous fat"
        case .muscle: "muscle"
        case .ligament: "ligament"
        case .intervertebralDisc: "intervertebral disc"
        case .dura: "dura"
        case .cerebrospinalFluid: "CSF"
        case .nerveRoot: "nerve root"
        case .facetJoint: "facet joint"
        case .parsDefect: "pars defect"
        case .otherSoftTissue: "other soft tissue"
        case .ilium: "ilium"
        case .epiduralFat: "epidural fat"
        case .sacroiliacJoint: "sacroiliac joint"
        case .multifidus: "multifidus"
        case .erectorSpinae: "erector spinae"
        case .fascia: "fascia"
        case .psoas: "psoas"
        case .quadratusLumborum: "quadratus lumborum"
        case .otherBone: "other bone"
        case .deepFat: "deep fat"
        }
    }
}
