import Foundation

/// Pain on the 0–10 numeric rating scale.
public struct PainScore: Hashable, Sendable, Codable {
    public let value: Int
    public init(_ value: Int) throws {
        guard (0...10).contains(value) else { throw ClinicalError("pain NRS \(value) is outside 0–10") }
        self.value = value
    }
}

/// Global perceived change, %: a value or a range such as `80–90` (the case at 3 months).
public struct GlobalPerceivedChange: Hashable, Sendable, Codable, CustomStringConvertible {
    public let lowPercent: Double
    public let highPercent: Double

    public init(lowPercent: Double, highPercent: Double) throws {
        guard lowPercent.isFinite, highPercent.isFinite, (-100...100).contains(lowPercent), (-100...100).contains(highPercent), lowPercent <= highPercent else {
            throw ClinicalError("global perceived change \(lowPercent)–\(highPercent) % is not a range within −100–100 %")
        }
        self.lowPercent = lowPercent
        self.highPercent = highPercent
    }

    /// Parses `85`, `85%`, `80-90`, `80–90 %`.
    public static func parse(_ text: String) throws -> GlobalPerceivedChange {
        let t = text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "–", with: "-").trimmingCharacters(in: .whitespaces)
        // A leading minus is a sign; a later one separates the range.
        let body = t.hasPrefix("-") ? String(t.dropFirst()) : t
        let pieces = body.split(separator: "-", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let sign = t.hasPrefix("-") ? -1.0 : 1.0
        guard let a = Double(pieces[0]) else { throw ClinicalError("'\(text)' is not a perceived change: write 85 or 80–90 (%)") }
        if pieces.count == 1 { return try GlobalPerceivedChange(lowPercent: sign * a, highPercent: sign * a) }
        guard let b = Double(pieces[1]) else { throw ClinicalError("'\(text)' is not a perceived change: write 85 or 80–90 (%)") }
        return try GlobalPerceivedChange(lowPercent: sign * a, highPercent: b)
    }

    public var midpointPercent: Double { (lowPercent + highPercent) / 2 }
    public var description: String { lowPercent == highPercent ? "\(Self.format(lowPercent)) %" : "\(Self.format(lowPercent))–\(Self.format(highPercent)) %" }
    static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}

/// A coded examination finding: a special test or sign, positive or negative (e.g. extension–rotation
/// test positive, slump negative).
public struct Finding: Hashable, Sendable, Codable {
    public let name: String
    public let positive: Bool

    public init(name: String, positive: Bool) throws {
        let n = name.trimmingCharacters(in: .whitespaces)
        guard !n.isEmpty, n.count <= 80 else { throw ClinicalError("a finding needs a name of 1–80 characters, got '\(name)'") }
        self.name = n
        self.positive = positive
    }

    /// Parses `extension-rotation:+`, `slump:-` (also `positive` / `negative`).
    public static func parse(_ text: String) throws -> Finding {
        guard let colon = text.lastIndex(of: ":") else { throw ClinicalError("finding '\(text)' is not NAME:+ or NAME:-") }
        let value = text[text.index(after: colon)...].lowercased()
        let positive: Bool
        switch value {
        case "+", "positive", "pos": positive = true
        case "-", "negative", "neg": positive = false
        default: throw ClinicalError("finding '\(text)': '\(value)' is not + or -")
        }
        return try Finding(name: String(text[..<colon]), positive: positive)
    }
}
