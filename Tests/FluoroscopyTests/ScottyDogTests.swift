import Anatomy
import Foundation
import Testing
import TestSupport
@testable import Fluoroscopy

/// The flagship subject's L5 ipsilateral oblique: the pars defect shows as a lucent collar.
@Suite(.serialized) struct ScottyDogTests {
    /// 1 mm subjects, shared with the other suites (each takes about 30 s in a debug build).
    static func lyticSubject() throws -> Subject { try TestSubjects.subject(defects: ParsDefect.flagship, voxelMm: 1) }
    static func intactSubject() throws -> Subject { try TestSubjects.subject(defects: [], voxelMm: 1) }

    /// The left L5 ipsilateral oblique of a subject, centred on a given pars position.
    static func shot(_ subject: Subject, at pars: Vector3) throws -> (DRRImage, CArm) {
        let carm = try CArm(isocentreMm: pars, sourceDirection: CArm.View.obliqueLeft.sourceDirection(), detectorMm: 120, pixels: 256)
        return (DRRRenderer(volume: try AttenuationVolume(subjectCT: subject.ct, labels: subject.labels)).render(carm, Exposure(spectrum: try .tungsten(kVp: 80))), carm)
    }

    @Test func theDefectIsALucentBandAcrossTheNeck() throws {
        let lytic = try Self.lyticSubject(), intact = try Self.intactSubject()
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

    @Test func theLucencyMeasureSeesTheCleftEdgeOnNotFaceOn() throws {
        let lytic = try Self.lyticSubject(), intact = try Self.intactSubject()
        let pars = lytic.landmarks["L5.left.pars"]!
        let (_, oblique) = try Self.shot(lytic, at: pars)
        let seen = try #require(DefectLucency(carm: oblique, labels: lytic.labels, parsMm: pars))
        #expect(seen.isLucent, "oblique: \(seen.cleftAlongRayMm) mm of cleft, \(seen.boneAlongRayMm) mm of bone along its rays")
        #expect(DefectLucency(carm: oblique, labels: intact.labels, parsMm: pars) == nil, "an intact pars has no cleft")
        // Looking along the cleft's normal, every ray crosses the gap's width and the bone on both sides of it.
        let cleft = lytic.labels.grid
        let points = (0..<cleft.voxelCount).compactMap { n -> Vector3? in
            guard lytic.labels.voxels[n] == Tissue.parsDefect.rawValue else { return nil }
            let i = n % cleft.dimensions.x, j = (n / cleft.dimensions.x) % cleft.dimensions.y, k = n / (cleft.dimensions.x * cleft.dimensions.y)
            let p = cleft.world(i, j, k)
            return (p - pars).length <= 15 ? p : nil
        }
        let plane = try #require(PlaneFit.fit(points))
        let faceOn = try CArm(isocentreMm: plane.centroid, sourceDirection: plane.normal, detectorMm: 120, pixels: 64)
        let across = try #require(DefectLucency(carm: faceOn, labels: lytic.labels, parsMm: pars))
        #expect(!across.isLucent, "face-on: \(across.cleftAlongRayMm) mm of cleft, \(across.boneAlongRayMm) mm of bone along its rays")
    }
}
