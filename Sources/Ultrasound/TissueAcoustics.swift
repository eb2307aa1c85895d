import Anatomy

/// Acoustic properties of one tissue class at about 37 °C.
public struct TissueAcoustics: Hashable, Sendable {
    public var speedMPerS: Double
    public var densityKgPerM3: Double
    /// Attenuation coefficient, dB/cm/MHz (one way; linear in frequency).
    public var attenuationDBPerCmMHz: Double
    /// Diffuse backscatter relative to muscle, dB (a model parameter: the clinical grey level of the
    /// tissue, not a measured backscatter coefficient). `nil`: no scatterers (anechoic).
    public var backscatterDB: Double?

    /// Characteristic impedance Z = ρc, MRayl.
    public var impedanceMRayl: Double { speedMPerS * densityKgPerM3 / 1e6 }

    public init(speedMPerS: Double, densityKgPerM3: Double, attenuationDBPerCmMHz: Double, backscatterDB: Double?) {
        self.speedMPerS = speedMPerS
        self.densityKgPerM3 = densityKgPerM3
        self.attenuationDBPerCmMHz = attenuationDBPerCmMHz
        self.backscatterDB = backscatterDB
    }

    // Speed, density and attenuation: data sheet §4 (sources A: Bioengineering 2025;12:946,
    // B: Mech Mater 2012, PMC3233242, C: Diagnostics 2023;13:855 Table 4).
    /// Coupling gel, modelled as water at 20 °C (Olympus table; C): what fills the space between the
    /// probe face and the skin, and anything outside the body.
    public static let couplingGel = TissueAcoustics(speedMPerS: 1480, densityKgPerM3: 998, attenuationDBPerCmMHz: 0.0022, backscatterDB: nil)
    /// Skin (A; C).
    public static let skin = TissueAcoustics(speedMPerS: 1654.9, densityKgPerM3: 1131, attenuationDBPerCmMHz: 0.35, backscatterDB: 6)
    /// Fat (A; C), also epidural fat.
    public static let fat = TissueAcoustics(speedMPerS: 1461.8, densityKgPerM3: 927, attenuationDBPerCmMHz: 0.63, backscatterDB: -10)
    /// Muscle, across fibres (A; C).
    public static let muscle = TissueAcoustics(speedMPerS: 1562, densityKgPerM3: 1058, attenuationDBPerCmMHz: 0.96, backscatterDB: 0)
    /// Ligament (A); attenuation of "connective tissue" (C). Also dura, nerve root, the fibrous pars
    /// cleft and the fascia (assumed: connective tissue).
    public static let ligament = TissueAcoustics(speedMPerS: 1663.7, densityKgPerM3: 1101, attenuationDBPerCmMHz: 1.57, backscatterDB: 8)
    /// Cartilage: speed mid-range of 1565–1770 (B), density 1033 (A); attenuation NOT FOUND in the
    /// data sheet, so the connective-tissue 1.57 is assumed. Used for discs and facet joints.
    public static let cartilage = TissueAcoustics(speedMPerS: 1667, densityKgPerM3: 1033, attenuationDBPerCmMHz: 1.57, backscatterDB: -6)
    /// Cerebrospinal fluid: 1515 m/s, 1007 kg/m³ (kwavers code, secondary); attenuation as water.
    public static let csf = TissueAcoustics(speedMPerS: 1515, densityKgPerM3: 1007, attenuationDBPerCmMHz: 0.0022, backscatterDB: nil)
    /// Average soft tissue: 1540 m/s, 0.5 dB/cm/MHz (data sheet §4 note); density 1050 assumed.
    public static let softTissue = TissueAcoustics(speedMPerS: 1540, densityKgPerM3: 1050, attenuationDBPerCmMHz: 0.5, backscatterDB: -2)
    /// Cortical bone: 3194 m/s, 1862 kg/m³ (A); attenuation 10 dB/cm/MHz, the top of the cortical range
    /// 1–10 (C), since the labels do not separate cortex from the strongly scattering trabecular core.
    public static let bone = TissueAcoustics(speedMPerS: 3194, densityKgPerM3: 1862, attenuationDBPerCmMHz: 10, backscatterDB: 0)

    /// The properties of a label of `labels.nii.gz`; unknown labels count as average soft tissue.
    public static func of(label: UInt8) -> TissueAcoustics {
        if Tissue.isBone(label) { return bone }
        switch Tissue(rawValue: label) {
        case .air: return couplingGel
        case .skin: return skin
        case .subcutaneousFat, .deepFat: return fat
        case .epiduralFat: return TissueAcoustics(speedMPerS: fat.speedMPerS, densityKgPerM3: fat.densityKgPerM3, attenuationDBPerCmMHz: fat.attenuationDBPerCmMHz, backscatterDB: -4)
        case .muscle, .multifidus, .erectorSpinae, .psoas, .quadratusLumborum: return muscle
        case .ligament, .parsDefect, .fascia: return ligament
        case .dura: return TissueAcoustics(speedMPerS: ligament.speedMPerS, densityKgPerM3: ligament.densityKgPerM3, attenuationDBPerCmMHz: ligament.attenuationDBPerCmMHz, backscatterDB: 10)
        case .nerveRoot: return TissueAcoustics(speedMPerS: ligament.speedMPerS, densityKgPerM3: ligament.densityKgPerM3, attenuationDBPerCmMHz: ligament.attenuationDBPerCmMHz, backscatterDB: 2)
        case .intervertebralDisc, .facetJoint, .sacroiliacJoint: return cartilage
        case .cerebrospinalFluid: return csf
        default: return softTissue
        }
    }

    /// Stainless steel (304): 5740 m/s (Olympus 45MG manual, Table 28, 347 grade), 7930 kg/m³
    /// (304 datasheets): Z ≈ 45 MRayl.
    public static let steel = TissueAcoustics(speedMPerS: 5740, densityKgPerM3: 7930, attenuationDBPerCmMHz: 0, backscatterDB: nil)
}
