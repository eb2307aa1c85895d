import Foundation

/// A Medical Research Council muscle grade, 0–5, with the − / + modifiers of manual muscle testing
/// (data sheet §7: MRC Memorandum 45; 4− / 4 / 4+ as in the Daniels–Kendall-style scale).
public struct MuscleGrade: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Modifier: String, Sendable, Codable { case minus = "-", none = "", plus = "+" }

    public let grade: Int
    public let modifier: Modifier

    public init(grade: Int, modifier: Modifier = .none) throws {
        guard (0...5).contains(grade) else { throw ClinicalError("MRC grade \(grade) is outside 0–5") }
        guard modifier == .none || (1...4).contains(grade) else {
            throw ClinicalError("MRC grade \(grade)\(modifier.rawValue) does not exist: − and + apply to grades 1–4")
        }
        self.grade = grade
        self.modifier = modifier
    }

    /// Parses `4+/5`, `4+`, `4-`, `4−`, `5/5`, `3`.
    public static func parse(_ text: String) throws -> MuscleGrade {
        var t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "−", with: "-")
        if t.hasSuffix("/5") { t.removeLast(2) }
        var modifier = Modifier.none
        if t.hasSuffix("+") { modifier = .plus; t.removeLast() } else if t.hasSuffix("-") { modifier = .minus; t.removeLast() }
        guard let g = Int(t) else { throw ClinicalError("'\(text)' is not an MRC grade: write 0–5 with an optional − or +, e.g. 4+/5") }
        return try MuscleGrade(grade: g, modifier: modifier)
    }

    /// `4+/5`.
    public var description: String { "\(grade)\(modifier.rawValue)/5" }
    /// For ordering and averaging: 4− = 3.67, 4 = 4, 4+ = 4.33.
    public var numeric: Double { Double(grade) + (modifier == .plus ? 1.0 / 3 : modifier == .minus ? -1.0 / 3 : 0) }
}

