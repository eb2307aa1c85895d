/// Errors of the ultrasound simulator; each names the value and what is allowed.
public enum UltrasoundError: Error, CustomStringConvertible, Equatable {
    case valueOutOfRange(name: String, value: Double, allowed: ClosedRange<Double>, unit: String)
    case unknownValue(name: String, value: String, allowed: [String])
    case offTheBody(String)
    case missingLandmark(String)

    public var description: String {
        switch self {
        case let .valueOutOfRange(name, value, allowed, unit):
            let u = unit.isEmpty ? "" : " \(unit)"
            return "\(name) \(value)\(u) is out of range: allowed \(allowed.lowerBound)–\(allowed.upperBound)\(u)"
        case let .unknownValue(name, value, allowed):
            return "unknown \(name) '\(value)': allowed \(allowed.joined(separator: ", "))"
        case let .offTheBody(reason):
            return "probe pose is off the body: \(reason)"
        case let .missingLandmark(name):
            return "the subject has no landmark '\(name)' (is the level modelled? L1–L5 are)"
        }
    }

    public static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>, unit: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw UltrasoundError.valueOutOfRange(name: name, value: value, allowed: range, unit: unit)
        }
    }
}
