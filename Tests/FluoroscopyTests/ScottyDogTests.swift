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
        return (DRRRenderer(volume: try AttenuationVolume(subjectCT: subject.ct, labels: subject.labels)).render(carm, Exposure(spectrum: try .tungsten(kVp: 80))), carm)
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
        // Along the defect line (the top 1 % of the window) at least 8 % more light gets through.
        let lucent = near[near.count * 99 / 100]
        #expect(lucent > 1.08, "transmission gain along the defect line: \(lucent)")
        #expect(abs(far[far.count / 2] - 1) < 0.01, "away from L5 the shots must agree: median ratio \(far[far.count / 2])")
    }
}
