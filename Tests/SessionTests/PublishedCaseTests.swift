import Foundation
import Imaging
import Testing
@testable import Report
import Session

/// The whole case as a library call, at 1 mm and 128-pixel panels (the default is 0.5 mm and 512: see the
/// benchmark).
@Suite(.serialized) struct PublishedCaseTests {
    static func runCase(_ name: String) throws -> (String, CaseRecord) {
        var o = PublishedCase.Options()
        o.out = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-session-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: o.out)
        o.voxelMm = 1
        o.panelPixels = 128
        return (o.out, try PublishedCase(options: o, progress: { _ in }).run().record)
    }

    @Test("The case writes every panel, the rehearsal, the report with the 13 CARE sections and its numbers; same seed, same figures")
    func theCaseEndToEnd() throws {
        let (dir, record) = try Self.runCase("case-a")
        let (again, _) = try Self.runCase("case-b")
        defer { for d in [dir, again] { try? FileManager.default.removeItem(atPath: d) } }
        let panels = ["fig1a", "fig1b", "fig1c", "fig1d", "fig2a", "fig2b", "fig2c", "fig2d", "fig2e", "fig2f", "fig2g", "fig2h"]
        #expect(record.figures.map(\.id) == panels)
        for id in panels {
            let image = try PNG.readRGB(path: "\(dir)/figures/\(id).png")
            #expect(image.width == 128 && image.height == 128, "\(id) is \(image.width)×\(image.height)")
            // Not blank: the central half of the panel holds varied content.
            var values: [Int] = []
            for y in 32..<96 { for x in 32..<96 { let p = image[x, y]; values.append(Int(p.r) + Int(p.g) + Int(p.b)) } }
            let mean = Double(values.reduce(0, +)) / Double(values.count)
            let sd = (values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)).squareRoot()
            #expect(sd > 10, "\(id) looks blank (SD \(sd))")
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/figures/\(id).png")), b = try Data(contentsOf: URL(fileURLWithPath: "\(again)/figures/\(id).png"))
            #expect(a == b, "\(id) differs between two runs with the same seed")
        }
        // The rehearsal: an animated PNG (acTL before the first IDAT), as `parsguide insert` writes it.
        let film = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/figures/insertion-left.png"))
        #expect(film.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let actl = try #require(film.range(of: Data("acTL".utf8))), idat = try #require(film.range(of: Data("IDAT".utf8)))
        #expect(actl.lowerBound < idat.lowerBound)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/figures/insertion-left.gif"))
        let html = try String(contentsOfFile: "\(dir)/report.html", encoding: .utf8)
        var cursor = html.startIndex
        for section in CaseReport.careSections {
            let heading = "<h2>\(section)</h2>"
            let found = try #require(html.range(of: heading, range: cursor..<html.endIndex), "CARE section '\(section)' missing or out of order")
            cursor = found.upperBound
        }
        for number in ["17/50", "10/50", "34 %", "20 %", "80–90 %", "BMI 23.6", "−14".replacingOccurrences(of: "−", with: "-"), "triamcinolone", "bupivacaine 0.5 %", "iohexol"] {
            #expect(html.contains(number), "the report lacks \(number)")
        }
        #expect(!html.contains("src=\"/"), "figures must be referenced relatively")
        // Values from the record are text, never markup: the template escapes them.
        var hostile = record
        hostile.patient.id = "<script>x & y</script>"
        let escaped = CaseReport.html(hostile)
        #expect(escaped.contains("patient &lt;script&gt;x &amp; y&lt;/script&gt;,") && !escaped.contains("<script>"))
        // The text that names what a figure shows says what was measured on it.
        let caption = { (id: String) in record.figures.first { $0.id == id }?.caption ?? "" }
        #expect(caption("fig1c").contains(record.imaging.parsViewShows + " in view"), "fig1c: \(caption("fig1c"))")
        #expect(html.contains("pars view after rotating the probe show \(record.imaging.parsViewShows)"))
        // The flagship's left defect is measured on the oblique.
        let lucent = try #require(record.imaging.obliqueDefectLucent)
        #expect(html.contains(lucent ? "shows the lucent band" : "does not stand out as a lucent band"))
        #expect(caption("fig2c").contains(lucent ? "as a lucent band" : "does not stand out"), "fig2c: \(caption("fig2c"))")
        #expect(caption("fig2e").contains("pars defect"), "the contrast is placed in the defect: \(caption("fig2e"))")
        let decoded = try JSONDecoder().decode(CaseRecord.self, from: Data(contentsOf: URL(fileURLWithPath: "\(dir)/case.json")))
        #expect(decoded == record)
        #expect(record.outcome?.importantImprovement == true && record.outcome?.changePoints == -14)
        #expect(record.anatomy?.kind == "phantom" && record.registryFile == "parsguide.sqlite" && record.unplanned == nil)
        #expect(record.approaches.count == 2 && record.approaches.allSatisfy { $0.tipToTargetMm < 0.5 })
        #expect(FileManager.default.fileExists(atPath: "\(dir)/parsguide.sqlite"))
    }
}
