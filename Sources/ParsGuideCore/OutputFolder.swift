import Foundation

/// A folder that a command writes whole: checked before any work, filled in a staging folder beside it,
/// and renamed into place at the end, so it appears complete or not at all and a refused or failed run
/// leaves nothing behind.
///
/// Rules (docs/RELIABILITY.md):
/// - the name is not empty or white space;
/// - never the working folder, one of its parents, the home folder, one of its parents or `/`, whatever
///   the flags;
/// - a symbolic link, a file or a special file at the path is never replaced;
/// - an empty folder is replaced; a non-empty folder only with `force`, and only when ParsGuide wrote it
///   (it holds the manifest `.parsguide.json`, or a ParsGuide `subject.json` from before the manifest).
///
/// Dropping the value without `commit()` removes the staging folder and any parent folders it created.
public final class OutputFolder {
    public static let manifestFile = ".parsguide.json"
    public static let manifestFormat = "parsguide-output"

    /// What a committed write replaced.
    public enum Replaced: Equatable, Sendable {
        case nothing, emptyFolder
        /// A folder ParsGuide wrote; `writer` says which command, when known.
        case parsGuideFolder(writer: String)
    }

    public let path: String
    public let flag: String
    public let command: String
    /// What is at `path` now and will be replaced by `commit()`.
    public let replacing: Replaced
    public let target: URL
    private var staging: URL?
    private var createdParents: [URL] = []
    private var committed = false

    /// Checks the destination without touching anything. `command` is recorded in the manifest
    /// ("phantom", "case", …); `workingDirectory` and `homeDirectory` are injectable for tests.
    public init(_ path: String, command: String, force: Bool, flag: String = "--out",
                workingDirectory: String = FileManager.default.currentDirectoryPath,
                homeDirectory: String = NSHomeDirectory()) throws {
        self.path = path
        self.flag = flag
        self.command = command
        guard !path.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw OutputError.emptyPath(flag: flag) }
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)).standardizedFileURL
        target = url
        try Self.refuseProtected(url, given: path, flag: flag, workingDirectory: workingDirectory, homeDirectory: homeDirectory)
        replacing = try Self.classify(url, given: path, flag: flag, force: force)
    }

    deinit { if !committed { abandon() } }

    /// Creates the staging folder (and any missing parents) and returns its path; write everything there.
    public func begin() throws -> String {
        if let staging { return staging.path }
        let fm = FileManager.default
        var missing: [URL] = []
        var parent = target.deletingLastPathComponent()
        while !fm.fileExists(atPath: parent.path) && parent.path != "/" {
            missing.append(parent)
            parent = parent.deletingLastPathComponent()
        }
        do {
            for dir in missing.reversed() {
                try fm.createDirectory(at: dir, withIntermediateDirectories: false)
                createdParents.append(dir)
            }
            let s = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
            try? fm.removeItem(at: s)
            try fm.createDirectory(at: s, withIntermediateDirectories: false)
            staging = s
            return s.path
        } catch {
            abandon()
            throw OutputError.writeFailed(path: path, reason: Self.sentence(error))
        }
    }

    /// Writes the manifest and moves the staging folder into place. Returns a sentence saying what was
    /// replaced, or nil when the folder is new.
    @discardableResult
    public func commit() throws -> String? {
        let stagingPath = try begin()
        let fm = FileManager.default
        let manifest: [String: Any] = [
            "format": Self.manifestFormat, "version": 1, "command": command,
            "writtenUTC": ISO8601DateFormatter().string(from: Date()),
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: stagingPath).appendingPathComponent(Self.manifestFile))
        } catch { throw OutputError.writeFailed(path: path, reason: Self.sentence(error)) }
        // Something may have appeared meanwhile: the same rules again, with what was allowed at the start.
        let now = try Self.classify(target, given: path, flag: flag, force: replacing != .nothing && replacing != .emptyFolder)
        if now != .nothing && replacing == .nothing {
            throw OutputError.occupied(path: path, flag: flag, reason: "a folder appeared there while ParsGuide was working; nothing was replaced")
        }
        if now == .nothing {
            guard rename(stagingPath, target.path) == 0 else { throw OutputError.writeFailed(path: path, reason: OutputFile.errnoText()) }
        } else {
            let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).replaced-\(getpid())").path
            try? fm.removeItem(atPath: old)
            guard rename(target.path, old) == 0 else { throw OutputError.writeFailed(path: path, reason: OutputFile.errnoText()) }
            guard rename(stagingPath, target.path) == 0 else {
                let reason = OutputFile.errnoText()
                _ = rename(old, target.path)
                throw OutputError.writeFailed(path: path, reason: reason)
            }
            try? fm.removeItem(atPath: old)
        }
        committed = true
        staging = nil
        switch now {
        case .nothing: return nil
        case .emptyFolder: return "replaced the empty folder \(path)"
        case .parsGuideFolder(let writer): return "replaced \(path), an earlier output of \(writer)"
        }
    }

    /// Removes the staging folder and the parents `begin()` created. Called automatically when the value
    /// is dropped uncommitted.
    public func abandon() {
        let fm = FileManager.default
        if let staging { try? fm.removeItem(at: staging) }
        staging = nil
        for dir in createdParents.reversed() { try? fm.removeItem(at: dir) }
        createdParents = []
    }

    // MARK: - Rules

    static func refuseProtected(_ url: URL, given: String, flag: String, workingDirectory: String, homeDirectory: String) throws {
        if FileEntry(url.path)?.type == .symbolicLink {
            throw OutputError.occupied(path: given, flag: flag, reason: "it is a symbolic link; ParsGuide does not write through links: name the folder itself")
        }
        // Compare canonical paths: the target's (or its existing parent's), the working and home folders'.
        let canonicalTarget: String = FileEntry.realPath(url.path)
            ?? ((FileEntry.realPath(url.deletingLastPathComponent().path) ?? url.deletingLastPathComponent().path) as NSString)
                .appendingPathComponent(url.lastPathComponent)
        func selfAndAncestors(_ p: String) -> [String] {
            var out: [String] = []
            var u = URL(fileURLWithPath: FileEntry.realPath(p) ?? p).standardizedFileURL
            while true {
                out.append(u.path)
                if u.path == "/" { break }
                u = u.deletingLastPathComponent()
            }
            return out
        }
        if canonicalTarget == "/" { throw OutputError.protectedPlace(path: given, flag: flag, what: "the root folder /") }
        let cwd = selfAndAncestors(workingDirectory)
        if canonicalTarget == cwd.first {
            throw OutputError.protectedPlace(path: given, flag: flag, what: "the working folder")
        }
        if cwd.contains(canonicalTarget) {
            throw OutputError.protectedPlace(path: given, flag: flag, what: "a parent of the working folder")
        }
        let home = selfAndAncestors(homeDirectory)
        if canonicalTarget == home.first { throw OutputError.protectedPlace(path: given, flag: flag, what: "the home folder") }
        if home.contains(canonicalTarget) { throw OutputError.protectedPlace(path: given, flag: flag, what: "a parent of the home folder") }
    }

    static func classify(_ url: URL, given: String, flag: String, force: Bool) throws -> Replaced {
        guard let entry = FileEntry(url.path) else { return .nothing }
        guard entry.type == .directory else {
            throw OutputError.occupied(path: given, flag: flag, reason: "\(entry.type.noun) is there, not a folder; ParsGuide will not replace it")
        }
        let contents: [String]
        do { contents = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
            throw OutputError.occupied(path: given, flag: flag, reason: "the folder cannot be listed (\(sentence(error))), so ParsGuide will not replace it")
        }
        if contents.isEmpty { return .emptyFolder }
        let entries = contents.count == 1 ? "1 entry" : "\(contents.count) entries"
        guard let writer = writer(of: url) else {
            throw OutputError.occupied(path: given, flag: flag, reason: "the folder holds \(entries) and ParsGuide did not write it (no \(manifestFile)); it is never replaced, even with --force: name a new folder")
        }
        guard force else {
            throw OutputError.occupied(path: given, flag: flag, reason: "the folder is not empty (an earlier output of \(writer), \(entries)); pass --force to replace it")
        }
        return .parsGuideFolder(writer: writer)
    }

    /// The command that wrote the folder at `url`, from its manifest (or its ParsGuide `subject.json`), or
    /// nil when ParsGuide did not write it.
    public static func writer(of url: URL) -> String? {
        func object(_ name: String) -> [String: Any]? {
            let file = url.appendingPathComponent(name).path
            guard FileEntry(file)?.type == .regular, let data = FileManager.default.contents(atPath: file) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
        if let m = object(manifestFile), m["format"] as? String == manifestFormat {
            return "parsguide \(m["command"] as? String ?? "")".trimmingCharacters(in: .whitespaces)
        }
        if let s = object("subject.json"), s["format"] as? String == "parsguide-subject" { return "parsguide (a subject folder)" }
        return nil
    }

    /// A framework error as a sentence (its localized description and the system's reason), never a
    /// raw `NSCocoaErrorDomain` dump.
    public static func sentence(_ error: Error) -> String { ErrorText.sentence(error) }
}
