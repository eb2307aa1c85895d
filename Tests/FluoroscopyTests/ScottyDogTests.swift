import Anatomy
import Foundation
import Testing
@testable import Fluoroscopy

/// The flagship subject's L5 ipsilateral oblique: the pars defect shows as a lucent collar.
@Suite(.serialized) struct ScottyDogTests {
    static func subject(defects: [ParsDefect]) throws -> Subject {
        var o = PhantomOptions()
        o.voxelMm = 1
        o.defects = defects
        return try LumbarPhantom.build(o)
    }

    /// The left L5 ipsilateral oblique of a subject, centred on a given pars position.
    static func shot(_ subject: Subject, at pars: Vector3) throws -> (DRRImage, CArm) {
        let carm = try CArm(isocentreMm: pars, sourceDirection: CArm.View.obliqueLeft.sourceDirection(), detectorMm: 120, pixels: 256)
        return (DRRRenderer(volume: try AttenuationVolume(hounsfield: subject.ct)).render(carm, Exposure(spectrum: try .tungsten(kVp: 80))), carm)
    }

    @Test func theDefectIsALucentBandAcrossTheNeck() throws {
        let lytic = try Self.subject(defects: ParsDefect.flagship), intact = try Self.subject(defects: [])
        let pars = intact.landmarks["L5.left.pars"]!
        let (a, carm) = try Self.shot(lytic, at: pars), (b, _) = try Self.shot(intact, at: pars)
        let p = try #require(carm.project(pars))
        // Transmission ratio lytic / intact, near the pars (±6 mm at the isocentre) and far from it
        // (30 mm cranial, over L4), where nothing differs.
        let perMm = (carm.sidMm / carm.sadMm) / carm.pixelMm
        func ratios(around c: (column: Double, row: Double), halfMm: Double) -> [Double] {
            let r = Int(halfMm * perMm)
            var out: [Double] = []
            for dy in -r...r { for dx in -r...r {
                let i = (Int(c.row) + dy) * carm.pixels + Int(c.column) + dx
                out.append(Double(a.transmission[i] / b.transmission[i]))
            } }
            return out.sorted()
        }
        let near = ratios(around: p, halfMm: 6)
        let far = ratios(around: try #require(carm.project(pars + Vector3(0, 0, 30))), halfMm: 6)
        let lucent = near[near.count * 19 / 20]
        #expect(lucent > 1.02, "95th-percentile transmission gain over the pars: \(lucent)")
        #expect(abs(far[far.count / 2] - 1) < 0.01, "away from L5 the shots must agree: median ratio \(far[far.count / 2])")
        withKnownIssue("The synthetic CT makes the pars cancellous (160 HU) inside a 1.5 mm shell, so a 2 mm cleft raises transmission by only ~5 %; the real pars is thick cortical bone") {
            #expect(lucent > 1.1, "95th-percentile transmission gain over the pars: \(lucent)")
        }
        // The lucent pixels form a band (a line across the neck), not a blob: their spread along
        // one direction is several times the other.
        let r = Int(6 * perMm)
        var pts: [(Double, Double)] = []
        for dy in -r...r { for dx in -r...r {
            let i = (Int(p.row) + dy) * carm.pixels + Int(p.column) + dx
            if Double(a.transmission[i] / b.transmission[i]) > 1.1 { pts.append((Double(dx), Double(dy))) }
        } }
        guard !pts.isEmpty else { withKnownIssue("no pixel gains 10 %") { Issue.record("empty lucent region") }; return }
        let mx = pts.map(\.0).reduce(0, +) / Double(pts.count), my = pts.map(\.1).reduce(0, +) / Double(pts.count)
        let sxx = pts.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }, syy = pts.reduce(0) { $0 + ($1.1 - my) * ($1.1 - my) }
        let sxy = pts.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let tr = sxx + syy, det = sxx * syy - sxy * sxy
        let l1 = tr / 2 + (tr * tr / 4 - det).squareRoot(), l2 = tr / 2 - (tr * tr / 4 - det).squareRoot()
        withKnownIssue("follows from the weak lucency above") {
            #expect(pts.count > 3 && l1 > 4 * max(l2, 1e-9), "lucent region elongation \(l1 / max(l2, 1e-9))")
        }
    }
}
