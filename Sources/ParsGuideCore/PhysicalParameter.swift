/// The one declaration of a physical parameter a user sets: how a sentence names it, its unit and the
/// range it may take. The CLI's help and validation, the web API's validation and the library's checks all
/// read it, so every edge refuses a value with the same sentence (`ParameterOutOfRange`).
public struct PhysicalParameter: Sendable, Equatable {
    /// As an error sentence names it, e.g. "probe tilt".
    public let name: String
    /// The unit symbol, e.g. "°", "mm", "mL"; empty for a pure number.
    public let unit: String
    public let range: ClosedRange<Double>

    public init(name: String, unit: String, range: ClosedRange<Double>) {
        self.name = name
        self.unit = unit
        self.range = range
    }

    /// `value`, when it is finite and inside `range`.
    @discardableResult
    public func checked(_ value: Double) throws -> Double {
        guard value.isFinite, range.contains(value) else { throw ParameterOutOfRange(parameter: self, value: value) }
        return value
    }

    /// Checks `value` against a range stated once where it is used (a parameter no user sets by name).
    public static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>, unit: String) throws {
        try PhysicalParameter(name: name, unit: unit, range: range).checked(value)
    }

    /// The allowed range as help text reads it, e.g. "−45–45 °".
    public var allowedText: String {
        let u = unit.isEmpty ? "" : " \(unit)"
        return "\(Self.format(range.lowerBound))–\(Self.format(range.upperBound))\(u)"
    }

    /// `x` as a user types it: ASCII minus, no ".0" on a whole number (an error sentence's value, an HTML
    /// number field's attributes).
    package static func typed(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)).replacingOccurrences(of: "-", with: "−") : "\(x)".replacingOccurrences(of: "-", with: "−")
    }
}

/// A value outside its parameter's range; the sentence names the value and what is allowed.
public struct ParameterOutOfRange: Error, CustomStringConvertible, Equatable {
    public let parameter: PhysicalParameter
    public let value: Double

    public init(parameter: PhysicalParameter, value: Double) {
        self.parameter = parameter
        self.value = value
    }

    public var description: String {
        let u = parameter.unit.isEmpty ? "" : " \(parameter.unit)"
        // The value as the user would type it; the range as help reads it.
        return "\(parameter.name) \(PhysicalParameter.typed(value))\(u) is out of range: allowed \(parameter.allowedText)"
    }
}
