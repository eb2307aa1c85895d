import ArgumentParser
import Foundation
import Testing
@testable import Anatomy
@testable import Fluoroscopy
@testable import ParsGuideCommands

@Suite struct FluoroCommandTests {
    @Test("A subject shot with a needle writes the PNG and the raw line integrals")
    func shot() throws {
        let dir = try UltrasoundCommandTests.subject.get()
        let png = CommandLineTests.temp("fl.png"), raw = CommandLineTests.temp("fl.nii")
        defer { try? FileManager.default.removeItem(atPath: png); try? FileManager.default.removeItem(atPath: raw) }
        let doc = try SubjectDocument.read(path: dir + "/subject.json")
        let tip = try doc.landmark("L5.left.pars")
        #expect(CommandLineTests.run(["fluoro", "--subject", dir, "--view", "oblique-left", "--isocenter", "L5-left", "--size", "128",
                                      "--needle-tip", "\(tip.x),\(tip.y),\(tip.z)", "--needle-hub", "\(tip.x + 30),\(tip.y + 60),\(tip.z + 40)",
                                      "--noise", "--out", png, "--raw", raw]) == nil)
        #expect(FileManager.default.fileExists(atPath: png))
        guard case .float32(let v) = try NIfTI.read(path: raw) else { Issue.record("raw is not Float32"); return }
        #expect(v.grid.dimensions == SIMD3(128, 128, 1) && v.voxels.contains { $0 > 1 })
    }

    @Test("The report's projection matrix puts a landmark where the C-arm projects it")
    func report() throws {
        let carm = try CArm(isocentreMm: Vector3(1, 2, 3), sourceDirection: CArm.View.lateral.sourceDirection())
        let dose = ShotDose(carm: carm, kVp: 80, mAs: 2, sourceToSkinMm: 500)
        let json = try FluoroReport(carm: carm, dose: dose, renderMs: 1, spectrum: try .tungsten(kVp: 80)).jsonString()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let m = try #require(object["projectionMatrix"] as? [[Double]])
        let p = Vector3(10, -20, 30)
        let h = (0..<3).map { m[$0][0] * p.x + m[$0][1] * p.y + m[$0][2] * p.z + m[$0][3] }
        let expected = try #require(carm.project(p))
        #expect(abs(h[0] / h[2] - expected.column) < 1e-9 && abs(h[1] / h[2] - expected.row) < 1e-9)
        #expect((object["dose"] as? [String: Any])?["referenceAirKermaMGy"] != nil)
    }

    @Test("Bad requests are refused with the value and what is allowed", arguments: [
        (["--view", "ap", "--sid-mm", "600"], "600"), (["--view", "ap", "--kvp", "200"], "200"),
        (["--view", "ap", "--size", "0"], "image side 0 px is out of range"), (["--view", "ap", "--isocenter", "900,0,0"], "outside"),
        (["--view", "sideways"], "sideways"), (["--view", "ap", "--isocenter", "L9"], "L9"),
        (["--view", "ap", "--mono-kev", "5"], "5"),
    ])
    func badRequests(_ c: ([String], String)) throws {
        let dir = try UltrasoundCommandTests.subject.get()
        let png = CommandLineTests.temp("bad-fl.png")
        let error = CommandLineTests.run(["fluoro", "--subject", dir, "--out", png] + c.0)
        #expect(error != nil)
        #expect(CommandLineTests.message(error).contains(c.1), "\(CommandLineTests.message(error))")
        #expect(ParsGuide.exitCode(for: error!) != .success)
        #expect(!FileManager.default.fileExists(atPath: png))
    }

    @Test("A label image or a corrupt file given as a CT is refused")
    func notACT() throws {
        let dir = try UltrasoundCommandTests.subject.get()
        let png = CommandLineTests.temp("bad-ct.png"), junk = CommandLineTests.temp("junk.nii")
        defer { try? FileManager.default.removeItem(atPath: junk) }
        let labels = CommandLineTests.run(["fluoro", "--ct", dir + "/labels.nii.gz", "--view", "ap", "--out", png])
        #expect(CommandLineTests.message(labels).contains("Hounsfield"), "\(CommandLineTests.message(labels))")
        try Data(repeating: 7, count: 400).write(to: URL(fileURLWithPath: junk))
        #expect(CommandLineTests.run(["fluoro", "--ct", junk, "--view", "ap", "--out", png]) != nil)
        // A valid CT cut short, and the same header claiming a fourth dimension.
        let grid = try Grid(dimensions: SIMD3(8, 8, 8), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        var bytes = try NIfTI.encode(Volume<Int16>(grid: grid, repeating: -1000))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: junk))
        let truncated = CommandLineTests.run(["fluoro", "--ct", junk, "--view", "ap", "--out", png])
        #expect(CommandLineTests.message(truncated).contains("truncated"), "\(CommandLineTests.message(truncated))")
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: Int16(4).littleEndian, toByteOffset: 40, as: Int16.self)   // dim[0] = 4
            raw.storeBytes(of: Int16(2).littleEndian, toByteOffset: 48, as: Int16.self)   // dim[4] = 2
        }
        try bytes.write(to: URL(fileURLWithPath: junk))
        let fourD = CommandLineTests.run(["fluoro", "--ct", junk, "--view", "ap", "--out", png])
        #expect(CommandLineTests.message(fourD).contains("3D"), "\(CommandLineTests.message(fourD))")
        #expect(!FileManager.default.fileExists(atPath: png))
    }
}
