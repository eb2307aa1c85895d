import Foundation
import Testing
@testable import ParsGuideCore

/// Output files: written whole, and never over a link, a device, a FIFO, a folder or another kind of file.
@Suite struct OutputFileTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])

    @Test("A new file is written; an existing file of the same kind, or an empty one, is replaced")
    func writesAndReplaces() throws {
        let root = try OutputFolderTests.sandbox("file-ok")
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("us.png").path
        try OutputFile.write(Self.png, to: path, kind: .png)
        try OutputFile.write(Self.png + Data([9]), to: path, kind: .png)
        #expect(FileManager.default.contents(atPath: path) == Self.png + Data([9]))
        let empty = root.appendingPathComponent("empty.json").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        try OutputFile.write(Data("{}".utf8), to: empty, kind: .json)
        #expect(FileManager.default.contents(atPath: empty) == Data("{}".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["empty.json", "us.png"])
    }

    @Test("A symbolic link, a FIFO, a folder, a device or a file of another kind is refused and left as it was")
    func refuses() throws {
        let root = try OutputFolderTests.sandbox("file-refuse")
        defer { try? FileManager.default.removeItem(at: root) }
        let sentinel = try OutputFolderTests.sentinel(in: root)
        let link = root.appendingPathComponent("link.png")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: sentinel)
        let fifo = root.appendingPathComponent("fifo.png")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let folder = root.appendingPathComponent("folder.png")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let registry = root.appendingPathComponent("parsguide.sqlite")
        try Data("SQLite format 3\0 precious".utf8).write(to: registry)
        let cases: [(String, String)] = [
            (link.path, "symbolic link"), (fifo.path, "FIFO"), (folder.path, "folder"), ("/dev/null", "device"),
            (sentinel.path, "not a PNG image"), (registry.path, "not a PNG image"),
            (root.appendingPathComponent("missing/us.png").path, "does not exist"), (root.path + "/", "names a folder"),
        ]
        for (path, why) in cases {
            do {
                try OutputFile.write(Self.png, to: path, kind: .png)
                Issue.record("\(path) was written")
            } catch {
                #expect("\(error)".contains(why) && "\(error)".contains(path.hasSuffix("/") ? String(path.dropLast()) : path), "\(error)")
            }
        }
        #expect(OutputFolderTests.intact(sentinel))
        #expect(FileManager.default.contents(atPath: registry.path) == Data("SQLite format 3\0 precious".utf8))
        #expect(FileEntry(link.path)?.type == .symbolicLink && FileEntry(fifo.path)?.type == .fifo)
        // Nothing but what was there before.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
            == ["fifo.png", "folder.png", "link.png", "parsguide.sqlite", "sentinel.txt"])
    }

    @Test("Kinds are recognised by their first bytes")
    func kinds() {
        #expect(FileKind.png.matches(Self.png) && !FileKind.png.matches(Data("GIF89a".utf8)))
        #expect(FileKind.nifti.matches(Data([0x1F, 0x8B, 8])) && FileKind.nifti.matches(Data([0x5C, 1, 0, 0])))
        #expect(FileKind.json.matches(Data("  {\"a\": 1}".utf8)) && !FileKind.json.matches(Data("#!/bin/sh".utf8)))
        #expect(FileKind.html.matches(Data("<!DOCTYPE html><html>".utf8)))
        #expect(FileKind.svg.matches(Data("<svg xmlns=".utf8)))
        #expect(!FileKind.csv.matches(Data([0x00, 0x01])))
    }
}
