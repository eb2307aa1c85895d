/// Why a DICOM folder could not become a volume; each case names the file or value and what is allowed.
public enum DICOMError: Error, CustomStringConvertible, Equatable {
    case folderUnreadable(path: String, reason: String)
    case noImages(path: String, skipped: Int)
    case severalSeries(path: String, series: [String])
    case unknownSeries(uid: String, series: [String])
    case corruptFile(path: String, reason: String)
    case inconsistent(path: String, reason: String)
    case unsupportedGeometry(reason: String)

    public var description: String {
        switch self {
        case let .folderUnreadable(path, reason):
            return "cannot read the DICOM folder \(path): \(reason)"
        case let .noImages(path, skipped):
            return "\(path) holds no DICOM image with a position and orientation" + (skipped > 0 ? " (\(skipped) other files skipped)" : "")
        case let .severalSeries(path, series):
            return "\(path) holds \(series.count) series: choose one with --series UID, among\n  " + series.joined(separator: "\n  ")
        case let .unknownSeries(uid, series):
            return "no series '\(uid)' in the folder: it holds\n  " + series.joined(separator: "\n  ")
        case let .corruptFile(path, reason):
            return "\(path) is not a readable DICOM image: \(reason)"
        case let .inconsistent(path, reason):
            return "\(path) does not fit its series: \(reason)"
        case .unsupportedGeometry(let reason):
            return "the series' geometry is not supported: \(reason)"
        }
    }
}
