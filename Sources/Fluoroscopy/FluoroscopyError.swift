/// Errors of the fluoroscopy renderer; each names the value and what is allowed.
public enum FluoroscopyError: Error, CustomStringConvertible, Equatable {
    case valueOutOfRange(name: String, value: Double, allowed: ClosedRange<Double>, unit: String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .valueOutOfRange(name, value, allowed, unit):
            let u = unit.isEmpty ? "" : " \(unit)"
            return "\(name) \(value)\(u) is out of range: allowed \(allowed.lowerBound)–\(allowed.upperBound)\(u)"
        case let .invalid(reason): return reason
        }
    }

    public static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>, unit: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw FluoroscopyError.valueOutOfRange(name: name, value: value, allowed: range, unit: unit)
        }
    }
}
