import ArgumentParser
import Foundation
import Report
import Testing
@testable import Anatomy
@testable import ParsGuideCommands

@Suite struct CommandLineTests {
    static func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-cli-\(getpid())-\(name)").path
    }

    /// Parses and runs a command in process; returns the error it threw, if any.
    static func run(_ args: [String]) -> Error? {
        do {
            var command = try ParsGuide.parseAsRoot(args)
            try command.run()
            return nil
        } catch { return error }
    }

    static func message(_ e: Error?) -> String { e.map { ParsGuide.message(for: $0) } ?? "" }

    @Test("Every command that needs a subject folder refuses another folder with one sentence, before reading volumes")
    func aFolderThatIsNotASubjectIsRefusedAlike() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-subject-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out"
        let sentence = "\(dir) is not a subject folder: subject.json is missing"
        for args in [["plan", "--subject", dir, "--target", "L5-left", "--out", out + ".json"],
                     ["illustrate", "--subject", dir, "--fluoro-view", "ap", "--out", out + ".png"],
                     ["slice", "--subject", dir, "--plane", "axial", "--at-mm", "0", "--out", out + ".png"],
                     ["export-slicer", "--subject", dir, "--out", out],
                     ["insert", "--subject", dir, "--plan", dir + "/plan.json", "--out", out],
                     ["inject", "--subject", dir, "--plan", dir + "/plan.json", "--out", out],
                     ["confirm", "--subject", dir, "--plan", dir + "/plan.json", "--out", out]] {
            let text = Self.message(Self.run(args))
            #expect(text.contains(sentence), "\(args[0]): \(text)")
            #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: out + ".png"), "\(args[0]) wrote an output")
        }
    }

    @Test("Defaults reproduce the flagship patient")
    func defaults() throws {
        let c = try #require(try ParsGuide.parseAsRoot(["phantom", "--out", "/tmp/x"]) as? PhantomCommand)
        let o = try c.options()
        #expect(o.habitus == .flagship && o.voxelMm == 0.5)
        #expect(o.defects.map(\.name) == ["L5-left", "L5-right"])
    }

    @Test("Bad values are refused with the value and the allowed range, and a non-zero exit", arguments: [
        (["--height-cm", "119"], "119"), (["--weight-kg", "251"], "251"), (["--sex", "other"], "other"),
        (["--defects", "L6-left"], "L6"), (["--defects", "L5-up"], "up"), (["--gap-mm", "0.2"], "0.2"),
        (["--voxel-mm", "3"], "3"), (["--age", "5"], "5"),
    ])
    func badValues(_ c: ([String], String)) throws {
        let out = Self.temp("bad")
        let error = Self.run(["phantom", "--out", out] + c.0)
        #expect(error != nil)
        #expect(Self.message(error).contains(c.1), "\(Self.message(error))")
        #expect(ParsGuide.exitCode(for: error!) != .success)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("A non-empty folder ParsGuide did not write is refused, with or without --force, and its contents are kept")
    func nonEmptyOutput() throws {
        let dir = Self.temp("full")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keep = dir + "/keep.txt"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: keep))
        let error = Self.run(["phantom", "--out", dir, "--voxel-mm", "2"])
        // Not written by ParsGuide: refused, and --force would not change that.
        #expect(Self.message(error).contains("ParsGuide did not write it") && Self.message(error).contains("even with --force"), "\(Self.message(error))")
        #expect(Self.message(Self.run(["phantom", "--out", dir, "--voxel-mm", "2", "--force"])).contains("ParsGuide did not write it"))
        #expect(try String(contentsOfFile: keep, encoding: .utf8) == "precious")
    }

    @Test("phantom writes the three files, slice renders a PNG, and bad slice requests fail")
    func endToEnd() throws {
        let dir = Self.temp("subject")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.run(["phantom", "--out", dir, "--voxel-mm", "2", "--meshes"]) == nil)
        for f in ["labels.nii.gz", "ct.nii.gz", "subject.json", "meshes/L5.stl", "meshes/dura.stl"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/\(f)"), "\(f)")
        }
        let doc = try SubjectDocument.read(path: "\(dir)/subject.json")
        #expect(doc.grid.frame == "LPS" && doc.habitus?.bmi == 23.62 && doc.source?.kind == "phantom" && doc.defects.count == 2)
        #expect(doc.labels["109"] == "pars defect" && doc.labels["24"] == "L5")
        let labels = try NIfTI.read(path: "\(dir)/labels.nii.gz").labels()
        #expect(labels.grid.worldFromIndex.flattened == doc.grid.worldFromIndex.flatMap { $0 })
        #expect(labels.value(nearestTo: try doc.landmark("L5.bodyCentre")) == 24)
        #expect(try STL.read(path: "\(dir)/meshes/L5.stl").triangles.count > 1000)

        let png = Self.temp("slice.png")
        defer { try? FileManager.default.removeItem(atPath: png) }
        #expect(Self.run(["slice", "--subject", dir, "--plane", "axial", "--at-landmark", "L5.left.pars", "--out", png]) == nil)
        #expect(FileManager.default.fileExists(atPath: png))
        #expect(Self.message(Self.run(["slice", "--subject", dir, "--at-landmark", "L9.nowhere", "--out", png])).contains("L9.nowhere"))
        #expect(Self.message(Self.run(["slice", "--subject", dir, "--at-mm", "9999", "--out", png])).contains("9999"))
        #expect(Self.run(["slice", "--subject", dir, "--out", png]) != nil)
        // A second run into the same folder needs --force, then replaces it whole.
        #expect(Self.run(["phantom", "--out", dir, "--voxel-mm", "2"]) != nil)
        #expect(Self.run(["phantom", "--out", dir, "--voxel-mm", "2", "--defects", "none", "--force"]) == nil)
        #expect(try SubjectDocument.read(path: "\(dir)/subject.json").defects.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/meshes"))
    }

    @Test("bench refuses unknown suites and bad run counts")
    func bench() {
        #expect(Self.message(Self.run(["bench", "phantom", "--runs", "0"])).contains("--runs 0"))
        #expect(Self.run(["bench", "nonsense"]) != nil)
    }
}

@Suite struct NegativeNumberTests {
    @Test("A negative number after an option is its value, also as the first of a vector")
    func negativeValuesAfterASpace() throws {
        #expect(ParsGuide.normalisedArguments(["slice", "--at-mm", "-56", "--plane", "axial"]) == ["slice", "--at-mm=-56", "--plane", "axial"])
        #expect(ParsGuide.normalisedArguments(["fluoro", "--source-dir", "-0.57,-0.82,0"]) == ["fluoro", "--source-dir=-0.57,-0.82,0"])
        #expect(ParsGuide.normalisedArguments(["x", "--a", "-1e3", "--b=-2", "--c", "-.5"]) == ["x", "--a=-1e3", "--b=-2", "--c=-.5"])
        // Options, short flags, words and everything after "--" are left alone.
        #expect(ParsGuide.normalisedArguments(["x", "--a", "--b", "-h", "--c", "-word"]) == ["x", "--a", "--b", "-h", "--c", "-word"])
        #expect(ParsGuide.normalisedArguments(["x", "--", "--a", "-5"]) == ["x", "--", "--a", "-5"])
        // Parsed for real: the README's `slice --at-mm -56` and a documented rotation.
        let us = try #require(try ParsGuide.parseAsRoot(ParsGuide.normalisedArguments(
            ["ultrasound", "--subject", "/tmp/s", "--view", "pars-oblique", "--rotation-deg", "-30", "--out", "/tmp/u.png"])) as? UltrasoundCommand)
        #expect(us.rotationDeg == -30)
        #expect(throws: (any Error).self) {
            try ParsGuide.parseAsRoot(["ultrasound", "--subject", "/tmp/s", "--view", "pars-oblique", "--rotation-deg", "-30", "--out", "/tmp/u.png"])
        }
    }
}

/// `parsguide subject` end to end on the shared example CT.
@Suite struct SubjectCommandTests {
    @Test("subject: the example CT as NIfTI and as its shuffled DICOM series gives the same subject")
    func subjectFromNIfTIAndDICOM() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/totalsegmentator-example").path
        let a = CommandLineTests.temp("subject-nifti"), b = CommandLineTests.temp("subject-dicom")
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        for (ct, out) in [("\(example)/ct.nii.gz", a), ("\(example)/ct-dicom", b)] {
            let error = CommandLineTests.run(["subject", "--ct", ct, "--masks", "\(example)/masks", "--voxel-mm", "2", "--out", out])
            #expect(error == nil, "\(CommandLineTests.message(error))")
        }
        let da = try SubjectDocument.read(path: "\(a)/subject.json"), db = try SubjectDocument.read(path: "\(b)/subject.json")
        #expect(da.source?.kind == "patient-ct" && da.habitus == nil && db.source?.inputs["series"] != nil)
        #expect(da.grid.worldFromIndex == db.grid.worldFromIndex && da.grid.dimensions == db.grid.dimensions)
        #expect(da.landmarks.keys.sorted() == db.landmarks.keys.sorted())
        for (name, p) in da.landmarks { #expect(p == db.landmarks[name], "\(name)") }
        #expect(da.landmarks.keys.filter { $0.hasSuffix(".pars") }.count == 10)
    }

    @Test("case --subject: a rehearsal on the patient's CT — its anatomy and voxel size stated, no outcome, no registry, a side without a path reported")
    func caseOnPatientCT() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/totalsegmentator-example").path
        let subject = CommandLineTests.temp("case-subject-s"), out = CommandLineTests.temp("case-subject-out")
        defer { for d in [subject, out] { try? FileManager.default.removeItem(atPath: d) } }
        let built = CommandLineTests.run(["subject", "--ct", "\(example)/ct.nii.gz", "--masks", "\(example)/masks", "--voxel-mm", "1.5", "--out", subject])
        #expect(built == nil, "\(CommandLineTests.message(built))")
        // The phantom's options describe the published patient; with --subject they are refused, not ignored.
        for extra in [["--height-cm", "180"], ["--defects", "none"], ["--voxel-mm", "1"], ["--db", out + ".sqlite"]] {
            let message = CommandLineTests.message(CommandLineTests.run(["case", "--subject", subject, "--out", out] + extra))
            #expect(message.contains(extra[0]) && message.contains("--subject"), "\(extra): \(message)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        let error = CommandLineTests.run(["case", "--subject", subject, "--out", out, "--panel", "128"])
        #expect(error == nil, "\(CommandLineTests.message(error))")
        let record = try JSONDecoder().decode(CaseRecord.self, from: Data(contentsOf: URL(fileURLWithPath: "\(out)/case.json")))
        #expect(record.anatomy?.kind == "patient-ct" && record.anatomy?.voxelMm == 1.5)
        #expect(record.outcome == nil && record.registryFile == nil && record.findings.isEmpty && record.patient.defects.isEmpty)
        #expect(!record.patient.hasDemographics)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/parsguide.sqlite"))
        // Both L5 sides are accounted for: planned, or reported with the planner's reasons.
        let unplanned = record.unplanned ?? []
        #expect(record.approaches.count >= 1 && record.approaches.count + unplanned.count == 2)
        #expect(unplanned.allSatisfy { !$0.reasons.isEmpty })
        #expect(record.approaches.allSatisfy { $0.tipToTargetMm < 1 })
        let firstSide = try #require(record.approaches.first?.target.split(separator: "-").last)
        #expect(FileManager.default.fileExists(atPath: "\(out)/figures/insertion-\(firstSide).png"))
        let caption = try #require(record.figures.first { $0.id == "fig2g" }?.caption)
        #expect(caption.contains("no ") == !unplanned.isEmpty, "fig2g: \(caption)")
        // At the bone surface of an intact pars the contrast stays mostly outside the canal (the canal's
        // epidural fat is kept in front of the posterior arch).
        #expect((record.contrast.reachedMl["epidural fat"] ?? 0) < 0.5 * record.contrast.injectedMl, "\(record.contrast.reachedMl)")
        let html = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
        #expect(html.contains("the patient&#39;s CT (scanned at 3.00 × 3.00 × 3.00 mm") || html.contains("the patient's CT (scanned at 3.00 × 3.00 × 3.00 mm"))
        #expect(html.contains("resampled to 1.5 mm voxels"))
        // No number of the published case that this run did not compute.
        for published in ["17/50", "10/50", "80–90 %", "Oswestry", "BMI", "extension-rotation"] {
            #expect(!html.contains(published), "the rehearsal's report names \(published)")
        }
        var cursor = html.startIndex
        for section in CaseReport.careSections {
            let found = try #require(html.range(of: "<h2>\(section)</h2>", range: cursor..<html.endIndex), "section '\(section)'")
            cursor = found.upperBound
        }
    }
}
