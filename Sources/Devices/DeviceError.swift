import Anatomy

/// Errors of device geometry (probe, transducer, C-arm, camera, needle shaft); each names the value and
/// what is allowed. The sentences are those the simulators used before the geometry moved here.
public enum DeviceError: Error, CustomStringConvertible, Equatable {
    case valueOutOfRange(name: String, value: Double, allowed: ClosedRange<Double>, unit: String)
    case unknownValue(name: String, value: String, allowed: [String])
    /// A probe pose that does not rest on the body.
    case offTheBody(String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .valueOutOfRange(name, value, allowed, unit):
            let u = unit.isEmpty ? "" : " \(unit)"
            return "\(name) \(value)\(u) is out of range: allowed \(allowed.lowerBound)–\(allowed.upperBound)\(u)"
        case let .unknownValue(name, value, allowed):
            return "unknown \(name) '\(value)': allowed \(allowed.joined(separator: ", "))"
        case let .offTheBody(reason):
            return "probe pose is off the body: \(reason)"
        case let .invalid(reason):
            return reason
        }
    }

    public static func check(_ name: String, _ value: Double, in range: ClosedRange<Double>, unit: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw DeviceError.valueOutOfRange(name: name, value: value, allowed: range, unit: unit)
        }
    }
}
