import Foundation
import Testing
@testable import ParsGuideCore

/// Output folders: nothing outside the named folder is touched, and only ParsGuide's own folders are
/// ever replaced. Every test works in its own temporary tree with a sentinel file that must survive.
@Suite struct OutputFolderTests {
    /// A fresh temporary folder for one test.
    static func sandbox(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-core-\(getpid())-\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func sentinel(in dir: URL) throws -> URL {
        let file = dir.appendingPathComponent("sentinel.txt")
        try Data("precious".utf8).write(to: file)
        return file
    }

    static func intact(_ file: URL) -> Bool { (try? String(contentsOf: file, encoding: .utf8)) == "precious" }

    @Test("An empty or white-space --out is an error naming the flag", arguments: ["", " ", "\t\n"])
    func emptyPath(_ path: String) {
        #expect(throws: OutputError.emptyPath(flag: "--out")) { try OutputFolder(path, command: "phantom", force: true) }
        #expect(throws: OutputError.emptyPath(flag: "--out")) { try OutputFile(path, kind: .png) }
    }

    @Test("The working folder, its parents, the home folder and / are refused even with --force")
    func protectedPlaces() throws {
        let root = try Self.sandbox("protected")
        defer { try? FileManager.default.removeItem(at: root) }
        let cwd = root.appendingPathComponent("work/project"), home = root.appendingPathComponent("home/user")
        for d in [cwd, home] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let sentinels = try [cwd, home].map { try Self.sentinel(in: $0) }
        // Even a folder that looks like ParsGuide's is refused at these places.
        try Data(#"{"format": "parsguide-output", "command": "phantom"}"#.utf8).write(to: cwd.appendingPathComponent(OutputFolder.manifestFile))
        for path in [".", "./", cwd.path, "..", "../..", root.path, home.path, root.appendingPathComponent("home").path, "/", "//"] {
            #expect(throws: OutputError.self, "\(path)") {
                try OutputFolder(path, command: "phantom", force: true, workingDirectory: cwd.path, homeDirectory: home.path)
            }
            do { _ = try OutputFolder(path, command: "phantom", force: true, workingDirectory: cwd.path, homeDirectory: home.path) } catch {
                #expect("\(error)".contains("never writes over it"), "\(error)")
            }
        }
        #expect(sentinels.allSatisfy(Self.intact))
        // A new folder inside the working folder is fine.
        let inside = try OutputFolder("out", command: "phantom", force: false, workingDirectory: cwd.path, homeDirectory: home.path)
        #expect(inside.target.path == cwd.appendingPathComponent("out").path && inside.replacing == .nothing)
    }

    @Test("A non-empty folder ParsGuide did not write is never replaced, even with --force")
    func foreignFolder() throws {
        let root = try Self.sandbox("foreign")
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let sentinel = try Self.sentinel(in: target)
        for force in [false, true] {
            do {
                _ = try OutputFolder(target.path, command: "phantom", force: force)
                Issue.record("a foreign folder was accepted (force \(force))")
            } catch {
                #expect("\(error)".contains("ParsGuide did not write it") && "\(error)".contains("even with --force"), "\(error)")
            }
        }
        #expect(Self.intact(sentinel))
        // A ParsGuide subject.json with a different format does not count either.
        try Data(#"{"format": "something-else"}"#.utf8).write(to: target.appendingPathComponent("subject.json"))
        #expect(throws: OutputError.self) { try OutputFolder(target.path, command: "phantom", force: true) }
        #expect(Self.intact(sentinel))
    }

    @Test("A folder ParsGuide wrote needs --force, and is then replaced whole with a sentence saying so")
    func ownFolder() throws {
        let root = try Self.sandbox("own")
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("subject").path
        let first = try OutputFolder(target, command: "phantom", force: false)
        try Data("one".utf8).write(to: URL(fileURLWithPath: try first.begin()).appendingPathComponent("old.txt"))
        #expect(try first.commit() == nil)
        #expect(FileManager.default.fileExists(atPath: target + "/old.txt"))
        #expect(FileManager.default.fileExists(atPath: target + "/" + OutputFolder.manifestFile))

        do { _ = try OutputFolder(target, command: "phantom", force: false); Issue.record("replaced without --force") } catch {
            #expect("\(error)".contains("pass --force") && "\(error)".contains("parsguide phantom"), "\(error)")
        }
        let second = try OutputFolder(target, command: "case", force: true)
        #expect(second.replacing == .parsGuideFolder(writer: "parsguide phantom"))
        try Data("two".utf8).write(to: URL(fileURLWithPath: try second.begin()).appendingPathComponent("new.txt"))
        let said = try #require(try second.commit())
        #expect(said.contains("replaced") && said.contains("parsguide phantom"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: target + "/old.txt"))
        #expect(FileManager.default.fileExists(atPath: target + "/new.txt"))
        // No staging or replaced folders left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["subject"])
    }

    @Test("A folder with a ParsGuide subject.json from before the manifest counts as ParsGuide's")
    func legacySubjectFolder() throws {
        let root = try Self.sandbox("legacy")
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("subject")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data(#"{"format": "parsguide-subject", "version": 1}"#.utf8).write(to: target.appendingPathComponent("subject.json"))
        #expect(try OutputFolder(target.path, command: "phantom", force: true).replacing == .parsGuideFolder(writer: "parsguide (a subject folder)"))
    }

    @Test("An empty folder is replaced without --force; a link, a file or a FIFO at the path is refused")
    func otherThingsAtThePath() throws {
        let root = try Self.sandbox("things")
        defer { try? FileManager.default.removeItem(at: root) }
        let empty = root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(try OutputFolder(empty.path, command: "phantom", force: false).replacing == .emptyFolder)

        let real = root.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let sentinel = try Self.sentinel(in: real)
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let file = root.appendingPathComponent("file.txt")
        try Data("precious".utf8).write(to: file)
        let fifo = root.appendingPathComponent("fifo")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for path in [link.path, file.path, fifo.path] {
            #expect(throws: OutputError.self, "\(path)") { try OutputFolder(path, command: "phantom", force: true) }
        }
        #expect(Self.intact(sentinel) && Self.intact(file))
    }

    @Test("A run dropped before commit leaves nothing: no staging folder, no parents it created, the target untouched")
    func abandonedRun() throws {
        let root = try Self.sandbox("abandon")
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let folder = try OutputFolder(root.appendingPathComponent("a/b/c").path, command: "case", force: false)
            let staging = try folder.begin()
            try Data("half".utf8).write(to: URL(fileURLWithPath: staging).appendingPathComponent("half.txt"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)

        let own = root.appendingPathComponent("own")
        let first = try OutputFolder(own.path, command: "case", force: false)
        _ = try first.begin()
        try first.commit()
        do {
            let again = try OutputFolder(own.path, command: "case", force: true)
            _ = try again.begin()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["own"])
        #expect(FileManager.default.fileExists(atPath: own.appendingPathComponent(OutputFolder.manifestFile).path))
    }
}
