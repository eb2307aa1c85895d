import Foundation

/// Tube output and the radiation a shot delivers.
///
/// Tube-output model (an assumption, not from the data sheet): air kerma at 1 m from the focal spot of
/// Y(kVp) = 100 µGy/mAs × (kVp/100)² — Kramers' emitted energy grows as kVp², and ~0.1 mGy/mAs at 1 m
/// for 100 kVp behind ~2.5–3 mm Al is the usual order of measured outputs. Kerma falls with the inverse
/// square of distance. Reference air kerma is taken at the interventional reference point, 15 cm from
/// the isocentre toward the source (IEC 60601-2-43); the dose–area product is kerma × field area, the
/// same at any distance (here at the detector). Backscatter is not included.
public struct ShotDose: Codable, Hashable, Sendable {
    public var kVp: Double
    public var mAs: Double
    /// Air kerma at the interventional reference point, mGy.
    public var referenceAirKermaMGy: Double
    /// Dose–area product, mGy·cm².
    public var doseAreaProductMGyCm2: Double
    /// Entrance air kerma at the skin along the central ray (no backscatter), mGy; nil if the central ray
    /// misses the body.
    public var entranceSkinKermaMGy: Double?
    public var sourceToSkinMm: Double?

    /// µGy per mAs at 1 m.
    public static func tubeOutput(kVp: Double) -> Double { 100 * (kVp / 100) * (kVp / 100) }

    /// `openFraction`: the share of the detector the shutters leave open (scales the dose–area product).
    public init(carm: CArm, kVp: Double, mAs: Double, sourceToSkinMm: Double?, openFraction: Double = 1) {
        self.kVp = kVp
        self.mAs = mAs
        let atOneMetre = Self.tubeOutput(kVp: kVp) * mAs / 1000  // mGy
        referenceAirKermaMGy = atOneMetre * pow(1000 / (carm.sadMm - 150), 2)
        let detectorAreaCm2 = pow(carm.detectorMm / 10, 2)
        doseAreaProductMGyCm2 = atOneMetre * pow(1000 / carm.sidMm, 2) * detectorAreaCm2 * openFraction
        self.sourceToSkinMm = sourceToSkinMm
        entranceSkinKermaMGy = sourceToSkinMm.map { atOneMetre * pow(1000 / $0, 2) }
    }
}

/// The radiation of a session: every exposure counted. Ultrasound adds nothing to it.
public struct DoseLedger: Codable, Hashable, Sendable {
    public private(set) var shots: [ShotDose] = []

    public init() {}

    public mutating func record(_ shot: ShotDose) { shots.append(shot) }

    public var exposures: Int { shots.count }
    public var totalReferenceAirKermaMGy: Double { shots.reduce(0) { $0 + $1.referenceAirKermaMGy } }
    public var totalDoseAreaProductMGyCm2: Double { shots.reduce(0) { $0 + $1.doseAreaProductMGyCm2 } }
    public var totalMAs: Double { shots.reduce(0) { $0 + $1.mAs } }
}
