import ArgumentParser
import Foundation
import Testing
@testable import Anatomy
@testable import ParsGuideCommands
@testable import Ultrasound
import Imaging

@Suite struct UltrasoundCommandTests {
    /// A 1 mm flagship subject written once by the phantom command.
    static let subject = Result { () throws -> String in
        let dir = CommandLineTests.temp("us-subject")
        if let e = CommandLineTests.run(["phantom", "--out", dir, "--voxel-mm", "1", "--force"]) { throw e }
        return dir
    }

    @Test("A preset view writes an annotated PNG; --labels-out writes the ground truth")
    func presetView() throws {
        let dir = try Self.subject.get()
        let png = CommandLineTests.temp("us.png"), truth = CommandLineTests.temp("us-labels.png")
        defer { try? FileManager.default.removeItem(atPath: png); try? FileManager.default.removeItem(atPath: truth) }
        #expect(CommandLineTests.run(["ultrasound", "--subject", dir, "--view", "pars-oblique", "--level", "L5", "--side", "right",
                                      "--annotate", "--lines", "128", "--size", "256x256", "--out", png, "--labels-out", truth]) == nil)
        let image = try PNG.readRGB(path: png)
        #expect(image.width == 256 && image.height == 256)
        // Annotation colours are present.
        #expect(image.pixels.contains { $0.r > 200 && $0.g > 180 && $0.b < 100 })
        #expect(FileManager.default.fileExists(atPath: truth))
    }

    @Test("The JSON report carries the pose, the image geometry and the structures' pixels")
    func report() throws {
        let dir = try Self.subject.get()
        let labels = try NIfTI.read(path: dir + "/labels.nii.gz").labels()
        let doc = try SubjectDocument.read(path: dir + "/subject.json")
        let landmarks = doc.landmarks.mapValues { Vector3($0[0], $0[1], $0[2]) }
        var settings = BModeSettings()
        settings.lineCount = 128
        let sim = try BModeSimulator(settings: settings)
        let pose = try ProbeView.parsOblique.pose(level: .l5, side: .left, labels: labels, landmarks: landmarks)
        let frame = sim.render(labels: labels, pose: pose)
        let structures = StructureLocator.locate(frame: frame, labels: labels, landmarks: landmarks, level: .l5, side: .left,
                                                 depthMm: settings.depthMm, transducer: .c52, lineCount: 128)
        let contact = ProbeContact.measure(pose, transducer: .c52, labels: labels)
        let json = try UltrasoundReport(frame: frame, structures: structures, transducer: .c52, settings: settings,
                                        contact: contact).jsonString()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let poseObject = try #require(object["pose"] as? [String: Any])
        let rows = try #require(poseObject["worldFromProbe"] as? [[Double]])
        #expect(rows.count == 4 && rows.allSatisfy { $0.count == 4 })
        let image = try #require(object["image"] as? [String: Any])
        #expect((image["pixelSpacingMm"] as? Double ?? 0) > 0)
        let contactObject = try #require(object["contact"] as? [String: Any])
        #expect((contactObject["fraction"] as? Double ?? 0) >= ProbeContact.targetFraction)
        // The apex of a convex probe is its centre of curvature, above the image.
        #expect(((image["apexPixel"] as? [Double])?[1] ?? 0) < 0)
        let listed = try #require(object["structures"] as? [[String: Any]])
        #expect(listed.contains { $0["key"] as? String == "pars" })
        // A landmark projected through the reported pose lands on the reported pixel.
        let pars = try #require(structures.first { $0.key == "pars" })
        let p = frame.pixel(ofWorld: Vector3(pars.worldMm[0], pars.worldMm[1], pars.worldMm[2]))
        #expect(abs(p.column - pars.pixel[0]) < 1e-6 && abs(p.row - pars.pixel[1]) < 1e-6)
        // The report's pose, read back as a pose file, gives the same pose.
        let file = CommandLineTests.temp("pose.json")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(json.utf8).write(to: URL(fileURLWithPath: file))
        let back = try PoseFile.read(path: file)
        #expect((back.centreMm - pose.centreMm).length < 1e-9 && (back.beam - pose.beam).length < 1e-9)
        // … and through the command the pressed pose is kept as it is: the same frame, the same contact.
        let again = CommandLineTests.temp("us-again.png")
        defer { try? FileManager.default.removeItem(atPath: again) }
        #expect(CommandLineTests.run(["ultrasound", "--subject", dir, "--pose-json", file, "--lines", "128", "--out", again]) == nil)
        #expect(try PNG.readRGB(path: again).pixels.map(\.r) == frame.image.pixels)
    }

    @Test("Bad requests are refused with the value and what is allowed, and a non-zero exit", arguments: [
        (["--view", "coronal"], "coronal"), (["--view", "pars-oblique", "--level", "L7"], "L7"),
        (["--view", "pars-oblique", "--side", "up"], "up"), (["--view", "pars-oblique", "--depth-mm", "10"], "10"),
        (["--view", "pars-oblique", "--depth-mm", "300"], "300"), (["--view", "pars-oblique", "--frequency-mhz", "25"], "25"),
        (["--view", "pars-oblique", "--probe", "p4-2"], "p4-2"),
        (["--view", "pars-oblique", "--needle-tip", "1,2,3", "--needle-hub", "1,2,3"], "tip"),
        (["--view", "pars-oblique", "--rotation-deg", "1e9"], "1000000000"),
        (["--view", "pars-oblique", "--needle-tip", "1,2"], "--needle"),
    ])
    func badRequests(_ c: ([String], String)) throws {
        let dir = try Self.subject.get()
        let png = CommandLineTests.temp("bad-us.png")
        let error = CommandLineTests.run(["ultrasound", "--subject", dir, "--out", png] + c.0)
        #expect(error != nil)
        #expect(CommandLineTests.message(error).contains(c.1), "\(CommandLineTests.message(error))")
        #expect(ParsGuide.exitCode(for: error!) != .success)
        #expect(!FileManager.default.fileExists(atPath: png))
    }

    @Test("A pose off the body is an error, not a black image")
    func offTheBody() throws {
        let dir = try Self.subject.get()
        let file = CommandLineTests.temp("far-pose.json"), png = CommandLineTests.temp("far.png")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(#"{"worldFromProbe": [[1,0,0,500],[0,0,1,0],[0,-1,0,0],[0,0,0,1]]}"#.utf8).write(to: URL(fileURLWithPath: file))
        let error = CommandLineTests.run(["ultrasound", "--subject", dir, "--pose-json", file, "--out", png])
        #expect(CommandLineTests.message(error).contains("off the body"), "\(CommandLineTests.message(error))")
        #expect(!FileManager.default.fileExists(atPath: png))
    }

    @Test("A pose that is not a rigid transform is refused, naming what is wrong", arguments: [
        ("[[1,0,0,0],[0,0,-1,0],[0,-1,0,0]]", "determinant"),          // a reflection
        ("[[2,0,0,0],[0,0,1,0],[0,-1,0,0]]", "column 0 has length"),   // scaled
        ("[[1,0.3,0,0],[0,0,1,0],[0,-1,0,0]]", "column 1 has length"), // sheared
        ("[[0,0,0,0],[0,0,0,0],[0,0,0,0]]", "column 0 has length"),    // all zeros
        ("[[1,0,0,1e300],[0,0,1,0],[0,-1,0,0]]", "translation"),       // huge
        ("[[1,0,0,0],[0,0,1,0],[0,-1,0,0],[0,0,1,1]]", "fourth row"),
    ])
    func notRigid(_ c: (String, String)) throws {
        let dir = try Self.subject.get()
        // The cases run in parallel: a file each.
        let tag = String(UInt(bitPattern: c.0.hashValue))
        let file = CommandLineTests.temp("bad-pose-\(tag).json"), png = CommandLineTests.temp("bad-pose-\(tag).png")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(#"{"worldFromProbe": \#(c.0)}"#.utf8).write(to: URL(fileURLWithPath: file))
        let error = CommandLineTests.run(["ultrasound", "--subject", dir, "--pose-json", file, "--out", png])
        #expect(CommandLineTests.message(error).contains(c.1), "\(CommandLineTests.message(error))")
        #expect(ParsGuide.exitCode(for: try #require(error)) != .success)
        #expect(!FileManager.default.fileExists(atPath: png))
    }

    @Test("--phantom point --raw writes the linear envelope as Float32 NIfTI, peak at the point")
    func pointTarget() throws {
        let raw = CommandLineTests.temp("point.nii")
        defer { try? FileManager.default.removeItem(atPath: raw) }
        #expect(CommandLineTests.run(["ultrasound", "--phantom", "point", "--depth-mm", "40", "--raw", raw,
                                      "--pixel-mm", "0.05", "--window-mm", "4"]) == nil)
        let image = try NIfTI.read(path: raw)
        guard case .float32(let v) = image else { Issue.record("not Float32"); return }
        let n = v.grid.dimensions.x
        let peak = v.voxels.indices.max { v.voxels[$0] < v.voxels[$1] }!
        #expect(abs(peak % n - n / 2) <= 1 && abs(peak / n - n / 2) <= 1)
        // The affine maps the centre pixel to the point (probe frame = world for the phantom).
        let centre = v.grid.world(n / 2, n / 2, 0)
        #expect(abs(centre.x) < 1e-4 && abs(centre.z - 40) < 1e-4, "centre pixel at \(centre)")  // the sform is Float32
    }
}
