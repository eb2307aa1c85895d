import Foundation
import ParsGuideCore

public enum Sex: String, Sendable, Codable, CaseIterable, NamedChoice {
    case male, female

    public static let choiceName = "sex"
    public init(from decoder: Decoder) throws { try self.init(namedFrom: decoder) }
}

/// Body size and demographics of a subject.
public struct Habitus: Sendable, Codable, Equatable {
    public var heightCm: Double
    public var weightKg: Double
    public var sex: Sex
    public var ageYears: Double

    /// Allowed ranges (the contract).
    public static let heightRangeCm: ClosedRange<Double> = 120...220
    public static let weightRangeKg: ClosedRange<Double> = 30...250
    public static let ageRangeYears: ClosedRange<Double> = 18...100

    /// The flagship patient: a 51-year-old man, 177 cm, 74 kg.
    public static let flagship = Habitus(uncheckedHeightCm: 177, weightKg: 74, sex: .male, ageYears: 51)

    public init(heightCm: Double, weightKg: Double, sex: Sex, ageYears: Double) throws {
        try Self.check("height", heightCm, Self.heightRangeCm, "cm")
        try Self.check("weight", weightKg, Self.weightRangeKg, "kg")
        try Self.check("age", ageYears, Self.ageRangeYears, "years")
        self.init(uncheckedHeightCm: heightCm, weightKg: weightKg, sex: sex, ageYears: ageYears)
    }

    private init(uncheckedHeightCm: Double, weightKg: Double, sex: Sex, ageYears: Double) {
        self.heightCm = uncheckedHeightCm
        self.weightKg = weightKg
        self.sex = sex
        self.ageYears = ageYears
    }

    private static func check(_ name: String, _ v: Double, _ r: ClosedRange<Double>, _ unit: String) throws {
        guard v.isFinite, r.contains(v) else {
            throw ParameterOutOfRange(parameter: PhysicalParameter(name: name, unit: unit, range: r), value: v)
        }
    }

    /// Body-mass index, kg/m².
    public var bodyMassIndex: Double { weightKg / pow(heightCm / 100, 2) }

    /// Skin-to-epidural-space depth at the lumbar midline, millimetres:
    /// depth (cm) = 3.33 + 0.05 × BMI (Nigerian cohort regression, PMID 29951458; DATASHEET §3).
    public var skinToEpiduralDepthMm: Double { 10 * (3.33 + 0.05 * bodyMassIndex) }

    /// Semi-axes of the elliptic torso cross-section at the lumbar level, millimetres (lateral, AP).
    ///
    /// Not in the data sheet (NOT FOUND): the area scales with weight ÷ height, calibrated so the
    /// flagship patient (74 kg, 177 cm) has a 320 × 220 mm waist section (≈ 86 cm circumference);
    /// the section rounds out (AP ÷ lateral rises) with BMI.
    public var torsoSemiAxesMm: (lateral: Double, anteroposterior: Double) {
        let areaMm2 = Double.pi * 160 * 110 * (weightKg / heightCm) / (74.0 / 177.0)
        let aspect = min(0.9, max(0.6, 0.6875 + 0.012 * (bodyMassIndex - 23.62)))
        let lateral = (areaMm2 / (Double.pi * aspect)).squareRoot()
        return (lateral, lateral * aspect)
    }
}
