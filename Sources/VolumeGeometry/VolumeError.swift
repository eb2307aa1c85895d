/// Errors of volumes, geometry and file formats (and, as `AnatomyError`, of the anatomy built on them).
/// Each case names the offending file or value; a value out of range is `ParameterOutOfRange` and an
/// unknown name `UnknownChoice` (ParsGuideCore), as in every module.
public enum VolumeError: Error, CustomStringConvertible, Equatable {
    case invalidGrid(reason: String)
    case fileUnreadable(path: String, reason: String)
    case fileWriteFailed(path: String, reason: String)
    case corruptFile(path: String, reason: String)
    case truncatedFile(path: String, expectedBytes: Int, actualBytes: Int)
    case unsupportedDataType(path: String, code: Int16, supported: [String])
    case compression(reason: String)
    case geometry(reason: String)
    /// A readable input that cannot serve its purpose (e.g. masks with no lumbar vertebra).
    case unsuitableInput(path: String, reason: String)
    /// A folder given as a subject's that lacks what one holds.
    case notASubjectFolder(directory: String, reason: String)

    public var description: String {
        switch self {
        case .invalidGrid(let reason):
            return "invalid grid: \(reason)"
        case let .fileUnreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .fileWriteFailed(path, reason):
            return "cannot write \(path): \(reason)"
        case let .corruptFile(path, reason):
            return "\(path) is not a valid file: \(reason)"
        case let .truncatedFile(path, expected, actual):
            return "\(path) is truncated: its header promises \(expected) bytes but it holds \(actual)"
        case let .unsupportedDataType(path, code, supported):
            return "\(path) has NIfTI datatype \(code); supported: \(supported.joined(separator: ", "))"
        case .compression(let reason):
            return "gzip: \(reason)"
        case .geometry(let reason):
            return "geometry: \(reason)"
        case let .unsuitableInput(path, reason):
            return "\(path) cannot be used: \(reason)"
        case let .notASubjectFolder(directory, reason):
            return "\(directory) is not a subject folder: \(reason)"
        }
    }
}
