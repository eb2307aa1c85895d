/// Body-mass index, kg/m², with the WHO adult bands.
public struct BodyMassIndex: Hashable, Sendable, Codable {
    public let heightCm: Double
    public let weightKg: Double

    public static let heightRangeCm: ClosedRange<Double> = 50...250
    public static let weightRangeKg: ClosedRange<Double> = 2...400

    public init(heightCm: Double, weightKg: Double) throws {
        guard heightCm.isFinite, Self.heightRangeCm.contains(heightCm) else {
            throw ClinicalError("height \(heightCm) cm is outside \(Int(Self.heightRangeCm.lowerBound))–\(Int(Self.heightRangeCm.upperBound)) cm")
        }
        guard weightKg.isFinite, Self.weightRangeKg.contains(weightKg) else {
            throw ClinicalError("weight \(weightKg) kg is outside \(Int(Self.weightRangeKg.lowerBound))–\(Int(Self.weightRangeKg.upperBound)) kg")
        }
        self.heightCm = heightCm
        self.weightKg = weightKg
    }

    public var value: Double { weightKg / ((heightCm / 100) * (heightCm / 100)) }
    public var band: Band { Band(bmi: value) }

    /// WHO adult classification (WHO Technical Report Series 894, 2000).
    public enum Band: String, Sendable, Codable, CaseIterable {
        case underweight, normal, overweight
        case obeseI = "obese class I", obeseII = "obese class II", obeseIII = "obese class III"

        public init(bmi: Double) {
            switch bmi {
            case ..<18.5: self = .underweight
            case ..<25: self = .normal
            case ..<30: self = .overweight
            case ..<35: self = .obeseI
            case ..<40: self = .obeseII
            default: self = .obeseIII
            }
        }
    }
}
