/// Why ParsGuide refused to write where it was asked to. Each case names the path and the rule it broke,
/// in a sentence a user can act on.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    /// The path is empty or only white space (an unset shell variable gives this).
    case emptyPath(flag: String)
    /// The place is one ParsGuide never writes over: the working folder, one of its parents, the home
    /// folder or `/`.
    case protectedPlace(path: String, flag: String, what: String)
    /// Something is already at the path that ParsGuide will not replace.
    case occupied(path: String, flag: String, reason: String)
    /// The folder that would hold the output is missing or is not a folder.
    case badParent(path: String, flag: String, reason: String)
    /// The file system refused the write.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptyPath(let flag):
            return "\(flag) is empty: give a file or folder name (an unset shell variable gives an empty name)"
        case let .protectedPlace(path, flag, what):
            return "\(flag) \(path) is \(what); ParsGuide never writes over it: name a new folder, e.g. \(flag) \(Self.suggestion(for: flag))"
        case let .occupied(path, flag, reason):
            return "\(flag) \(path): \(reason)"
        case let .badParent(path, flag, reason):
            return "\(flag) \(path): \(reason)"
        case let .writeFailed(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }

    static func suggestion(for flag: String) -> String { flag == "--out" ? "./parsguide-out" : "./new-folder" }
}
