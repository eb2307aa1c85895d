import Foundation

/// A file that a command is about to write, checked before any work is done.
///
/// Rules: the name is not empty; its folder exists; nothing is at the path, or an empty regular file, or
/// a regular file already holding this `kind`. A symbolic link, a folder, a FIFO, a device or a socket is
/// never replaced. The bytes go to a temporary file beside the target that is renamed over it, so the
/// file appears whole or not at all.
public struct OutputFile: Sendable {
    public let path: String
    public let kind: FileKind
    public let flag: String

    /// Checks `path` without touching anything. `flag` names the option in messages ("--out").
    public init(_ path: String, kind: FileKind, flag: String = "--out") throws {
        self.path = path
        self.kind = kind
        self.flag = flag
        try check()
    }

    /// Writes `data` to the path, atomically.
    public func write(_ data: Data) throws { try write([data]) }

    /// Writes `parts` one after another as the file's content (see `write(_:)`).
    public func write(_ parts: [Data]) throws {
        try check()
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw OutputError.writeFailed(path: path, reason: Self.errnoText()) }
        var failure: String?
        for data in parts where failure == nil {
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 { if errno == EINTR { continue }; failure = Self.errnoText(); return }
                    offset += n
                }
            }
        }
        if close(fd) != 0 && failure == nil { failure = Self.errnoText() }
        if let failure { unlink(tmp); throw OutputError.writeFailed(path: path, reason: failure) }
        // The target may have changed while we rendered: check again just before the rename.
        do { try check() } catch { unlink(tmp); throw error }
        guard rename(tmp, path) == 0 else {
            let reason = Self.errnoText()
            unlink(tmp)
            throw OutputError.writeFailed(path: path, reason: reason)
        }
    }

    /// Checks `path` and writes `data` there in one call.
    public static func write(_ data: Data, to path: String, kind: FileKind, flag: String = "--out") throws {
        try OutputFile(path, kind: kind, flag: flag).write(data)
    }

    func check() throws {
        guard !path.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw OutputError.emptyPath(flag: flag) }
        guard !path.hasSuffix("/") else {
            throw OutputError.occupied(path: path, flag: flag, reason: "names a folder; give a file name ending in .\(Self.suffix(kind))")
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDir) else {
            throw OutputError.badParent(path: path, flag: flag, reason: "its folder \(parent) does not exist; create it first")
        }
        guard isDir.boolValue else { throw OutputError.badParent(path: path, flag: flag, reason: "\(parent) is not a folder") }
        guard let entry = FileEntry(path) else { return }
        switch entry.type {
        case .regular:
            guard entry.size > 0 else { return }
            guard let prefix = FileEntry.prefix(of: path) else {
                throw OutputError.occupied(path: path, flag: flag, reason: "a file is there that ParsGuide cannot read, so it will not replace it")
            }
            guard kind.matches(prefix) else {
                throw OutputError.occupied(path: path, flag: flag, reason: "a file is there that is not \(kind.noun), so ParsGuide did not write it and will not replace it; choose another name or remove it yourself")
            }
        default:
            throw OutputError.occupied(path: path, flag: flag, reason: "\(entry.type.noun) is there; ParsGuide replaces only regular files it wrote")
        }
    }

    static func suffix(_ kind: FileKind) -> String {
        switch kind {
        case .nifti: "nii.gz"
        default: kind.rawValue
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

extension OutputFile {
    /// Pretty, key-sorted JSON: every JSON file and `--json` report ParsGuide writes.
    public static func prettyJSON<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }
}
