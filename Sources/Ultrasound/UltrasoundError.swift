/// Errors of the ultrasound simulator that are not a value out of range (`ParameterOutOfRange`) or an
/// unknown name (`UnknownChoice`, both in ParsGuideCore).
public enum UltrasoundError: Error, CustomStringConvertible, Equatable {
    case offTheBody(String)
    case missingLandmark(String)

    public var description: String {
        switch self {
        case let .offTheBody(reason):
            return "probe pose is off the body: \(reason)"
        case let .missingLandmark(name):
            return "the subject has no landmark '\(name)' (is the level modelled? L1–L5 are)"
        }
    }
}
