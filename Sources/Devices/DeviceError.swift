import Anatomy

/// Errors of device geometry (probe, transducer, C-arm, camera, needle shaft) that are not a value out of
/// range (`ParameterOutOfRange`) or an unknown name (`UnknownChoice`, both in ParsGuideCore).
public enum DeviceError: Error, CustomStringConvertible, Equatable {
    /// A probe pose that does not rest on the body.
    case offTheBody(String)
    case invalid(String)

    public var description: String {
        switch self {
        case let .offTheBody(reason):
            return "probe pose is off the body: \(reason)"
        case let .invalid(reason):
            return reason
        }
    }
}
