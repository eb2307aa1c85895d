import Foundation
import Testing
@testable import Clinical
@testable import ParsGuideCommands
@testable import ParsGuideCore

/// Issue 19, part 1, through the commands: nothing outside the named output is touched; refusals come
/// before any work and leave nothing behind. Each test keeps a sentinel file that must survive.
@Suite(.serialized) struct OutputSafetyTests {
    static func sandbox(_ name: String) throws -> String {
        let dir = CommandLineTests.temp("safety-\(name)")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: URL(fileURLWithPath: dir + "/sentinel.txt"))
        return dir
    }

    static func listing(_ dir: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }
    static func intact(_ dir: String) -> Bool { (try? String(contentsOfFile: dir + "/sentinel.txt", encoding: .utf8)) == "precious" }

    @Test("An empty or white-space --out is refused by every folder command, before any work", arguments: [
        ["phantom", "--voxel-mm", "2"], ["case"], ["insert", "--subject", "/nonexistent", "--plan", "/nonexistent.json"],
        ["inject", "--subject", "/nonexistent", "--plan", "/nonexistent.json"], ["confirm", "--subject", "/nonexistent", "--plan", "/nonexistent.json"],
        ["registry", "export-csv", "--db", "/nonexistent.sqlite"],
    ])
    func emptyOut(_ args: [String]) {
        for out in ["", "  "] {
            let error = CommandLineTests.run(args + ["--out", out])
            #expect(CommandLineTests.message(error).contains("--out is empty"), "\(args): \(CommandLineTests.message(error))")
            #expect(error.map { ParsGuide.exitCode(for: $0) } != .success)
        }
    }

    @Test("--force on a folder ParsGuide did not write is refused by every folder command; the folder is kept", arguments: [
        ["phantom", "--voxel-mm", "2"], ["case", "--voxel-mm", "2"], ["insert", "--subject", "/nonexistent", "--plan", "/nonexistent.json"],
        ["inject", "--subject", "/nonexistent", "--plan", "/nonexistent.json"], ["confirm", "--subject", "/nonexistent", "--plan", "/nonexistent.json"],
        ["registry", "export-csv", "--db", "/nonexistent.sqlite"],
    ])
    func foreignFolder(_ args: [String]) throws {
        let dir = try Self.sandbox("foreign-\(args[0])")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let message = CommandLineTests.message(CommandLineTests.run(args + ["--out", dir, "--force"]))
        #expect(message.contains("ParsGuide did not write it"), "\(args): \(message)")
        #expect(Self.intact(dir) && Self.listing(dir) == ["sentinel.txt"])
        // No partial folder of this target (others in the shared temporary folder belong to tests running alongside).
        let partial = "." + URL(fileURLWithPath: dir).lastPathComponent + ".partial-"
        #expect(Self.listing(URL(fileURLWithPath: dir).deletingLastPathComponent().path).allSatisfy { !$0.hasPrefix(partial) })
    }

    @Test("The working folder and its parents are refused even with --force (checked in a sandbox cwd)")
    func workingFolder() throws {
        let dir = try Self.sandbox("cwd")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(#"{"format": "parsguide-output", "command": "case"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/" + OutputFolder.manifestFile))
        for path in [".", "..", dir, "/"] {
            #expect(throws: OutputError.self, "\(path)") { try OutputFolder(path, command: "case", force: true, workingDirectory: dir) }
        }
        #expect(Self.intact(dir))
    }

    @Test("case checks its registry before building anything: a file that is not a registry is refused and kept")
    func caseRegistry() throws {
        let dir = try Self.sandbox("case-db")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/report"
        let message = CommandLineTests.message(CommandLineTests.run(["case", "--out", out, "--db", dir + "/sentinel.txt", "--voxel-mm", "2"]))
        #expect(message.contains("sentinel.txt"), "\(message)")
        let inside = CommandLineTests.message(CommandLineTests.run(["case", "--out", out, "--db", out + "/r.sqlite", "--voxel-mm", "2"]))
        #expect(inside.contains("inside --out"), "\(inside)")
        #expect(Self.intact(dir) && Self.listing(dir) == ["sentinel.txt"])
    }

    @Test("Image, volume and JSON outputs never replace a link, a FIFO, a device or another kind of file")
    func fileOutputs() throws {
        let subject = try UltrasoundCommandTests.subject.get()
        let dir = try Self.sandbox("files")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.png", withDestinationPath: dir + "/sentinel.txt")
        #expect(mkfifo(dir + "/fifo.png", 0o600) == 0)
        try Data("SQLite format 3\0".utf8).write(to: URL(fileURLWithPath: dir + "/parsguide.sqlite"))
        let slice = ["slice", "--subject", subject, "--plane", "axial", "--at-landmark", "L5.left.pars", "--out"]
        for (args, why) in [
            (slice + [dir + "/link.png"], "symbolic link"), (slice + [dir + "/fifo.png"], "FIFO"), (slice + ["/dev/null"], "device"),
            (slice + [dir + "/parsguide.sqlite"], "not a PNG image"), (slice + [dir + "/sentinel.txt"], "not a PNG image"),
            (["plan", "--subject", subject, "--target", "L5-left", "--out", dir + "/sentinel.txt"], "not a JSON document"),
            (["ultrasound", "--phantom", "point", "--depth-mm", "50", "--raw", dir + "/missing/raw.nii"], "does not exist"),
        ] {
            let message = CommandLineTests.message(CommandLineTests.run(args))
            #expect(message.contains(why), "\(args.last!): \(message)")
        }
        #expect(Self.intact(dir))
        #expect(FileManager.default.contents(atPath: dir + "/parsguide.sqlite") == Data("SQLite format 3\0".utf8))
        #expect(Self.listing(dir) == ["fifo.png", "link.png", "parsguide.sqlite", "sentinel.txt"])
    }

    @Test("Reading registry commands never write: a 0-byte --db stays 0 bytes; a failed import leaves no registry")
    func registryReaders() throws {
        let dir = try Self.sandbox("registry")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = dir + "/empty.sqlite"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        for args in [["list"], ["show", "--patient", "A"], ["summary"], ["export-csv", "--out", dir + "/csv"],
                     ["add-encounter", "--patient", "A", "--date", "2025-01-01", "--kind", "baseline"]] {
            let message = CommandLineTests.message(CommandLineTests.run(["registry"] + args + ["--db", empty]))
            #expect(message.contains("empty.sqlite"), "\(args): \(message)")
        }
        #expect((try FileManager.default.attributesOfItem(atPath: empty))[.size] as? Int == 0)
        // A foreign SQLite database is refused, not given ParsGuide's tables.
        let foreign = dir + "/other.sqlite"
        let other = try ForeignDatabase.make(at: foreign)
        let message = CommandLineTests.message(CommandLineTests.run(["registry", "add-patient", "--db", foreign, "--id", "A", "--sex", "male",
                                                                     "--year-of-birth", "1970", "--height-cm", "170", "--weight-kg", "70"]))
        #expect(message.contains("did not write"), "\(message)")
        #expect(try ForeignDatabase.tables(at: foreign) == other)
        // A failed import into a new registry leaves no file.
        let fresh = dir + "/fresh.sqlite"
        #expect(CommandLineTests.run(["registry", "import-csv", "--db", fresh, "--from", dir]) != nil)
        #expect(!FileManager.default.fileExists(atPath: fresh))
        #expect(Self.intact(dir) && Self.listing(dir) == ["empty.sqlite", "other.sqlite", "sentinel.txt"])
    }
}
