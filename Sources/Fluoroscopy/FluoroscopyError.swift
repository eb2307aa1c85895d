/// Errors of the fluoroscopy renderer that are not a value out of range (`ParameterOutOfRange`, ParsGuideCore).
public enum FluoroscopyError: Error, CustomStringConvertible, Equatable {
    case invalid(String)

    public var description: String {
        switch self {
        case let .invalid(reason): return reason
        }
    }
}
