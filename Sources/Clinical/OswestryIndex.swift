import Foundation

/// The Oswestry Disability Index v2.1a (Fairbank & Pynsent 2000; data sheet §6): ten sections scored
/// 0–5. Only titles and scoring are modelled — never the item wording.
///
/// With skipped sections the index is 100 × sum ÷ (5 × sections answered), as published; at least 8
/// answered sections are required.
public struct OswestryIndex: Hashable, Sendable, Codable {
    /// The ten section titles, in order (titles only).
    public static let sectionTitles = ["Pain intensity", "Personal care", "Lifting", "Walking", "Sitting", "Standing",
                                       "Sleeping", "Sex life", "Social life", "Travelling"]
    public static let minimumAnswered = 8

    /// Per section 0–5, nil when skipped.
    public let answers: [Int?]

    public init(answers: [Int?]) throws {
        guard answers.count == 10 else {
            throw ClinicalError("the ODI has 10 sections; got \(answers.count) answers")
        }
        for (i, a) in answers.enumerated() {
            if let a, !(0...5).contains(a) {
                throw ClinicalError("ODI section \(i + 1) (\(Self.sectionTitles[i])): answer \(a) is outside 0–5")
            }
        }
        let answered = answers.compactMap { $0 }.count
        guard answered >= Self.minimumAnswered else {
            throw ClinicalError("only \(answered) of 10 ODI sections answered: at least \(Self.minimumAnswered) are needed for a valid index")
        }
        self.answers = answers
    }

    /// Parses `3,2,1,2,1,2,2,-,2,2` (a `-` is a skipped section).
    public static func parse(_ text: String) throws -> OswestryIndex {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let answers = try parts.enumerated().map { i, p -> Int? in
            if p == "-" { return nil }
            guard let v = Int(p) else { throw ClinicalError("ODI answer \(i + 1) '\(p)' is not 0–5 or '-' (skipped)") }
            return v
        }
        return try OswestryIndex(answers: answers)
    }

    /// An index from a total out of 50 with every section answered (as reported in a paper).
    public static func total(_ sum: Int) throws -> OswestryIndex {
        guard (0...50).contains(sum) else { throw ClinicalError("ODI total \(sum) is outside 0–50") }
        // Spread the total over the sections: any split gives the same index.
        return try OswestryIndex(answers: (0..<10).map { min(5, max(0, sum - 5 * $0)) })
    }

    public var answered: Int { answers.compactMap { $0 }.count }
    public var sum: Int { answers.compactMap { $0 }.reduce(0, +) }
    /// The largest possible sum for the sections answered (50 when all are).
    public var maximum: Int { 5 * answered }
    /// The index, 0–100 %.
    public var percent: Double { 100 * Double(sum) / Double(maximum) }
    public var band: Band { Band(percent: percent) }

    /// Disability bands of the index (data sheet §6: thresholds at > 20.9, > 40.9, > 60.9, > 80.9).
    public enum Band: String, Sendable, Codable, CaseIterable {
        case minimal, moderate, severe, crippled
        case bedBound = "bed-bound"

        public init(percent p: Double) {
            switch p {
            case ...20.9: self = .minimal
            case ...40.9: self = .moderate
            case ...60.9: self = .severe
            case ...80.9: self = .crippled
            default: self = .bedBound
            }
        }
    }
}

/// The change between two ODI measurements and whether it reaches the minimal important change
/// (Ostelo 2008, data sheet §6: 10 points or 30 % of baseline, by default).
public struct OswestryChange: Hashable, Sendable, Codable {
    public var baselinePercent: Double
    public var followUpPercent: Double
    /// Follow-up − baseline, index points (negative = better).
    public var points: Double { followUpPercent - baselinePercent }
    /// Relative to baseline, % (negative = better).
    public var relativePercent: Double { baselinePercent > 0 ? 100 * points / baselinePercent : 0 }
    public var thresholdPoints: Double
    public var thresholdRelativePercent: Double
    /// An improvement of at least the threshold points or the threshold share of baseline.
    public var importantImprovement: Bool { -points >= thresholdPoints - 1e-9 || -relativePercent >= thresholdRelativePercent - 1e-9 }

    public init(baseline: OswestryIndex, followUp: OswestryIndex, thresholdPoints: Double = 10, thresholdRelativePercent: Double = 30) {
        self.init(baselinePercent: baseline.percent, followUpPercent: followUp.percent, thresholdPoints: thresholdPoints, thresholdRelativePercent: thresholdRelativePercent)
    }

    public init(baselinePercent: Double, followUpPercent: Double, thresholdPoints: Double = 10, thresholdRelativePercent: Double = 30) {
        self.baselinePercent = baselinePercent
        self.followUpPercent = followUpPercent
        self.thresholdPoints = thresholdPoints
        self.thresholdRelativePercent = thresholdRelativePercent
    }
}
