import Foundation
import Testing
@testable import Anatomy

/// BodyParts3D's sacrum and pelvis seated under the mean-shape L5 (issue 15, step 1).
@Suite struct LumbosacralPlacementTests {
    static let placement = Result { try LumbosacralPlacement.standard() }

    @Test("The L5 fit is close, and the seated joint, disc and slope are inside their published ranges")
    func seated() throws {
        let p = try Self.placement.get()
        #expect(p.registration.symmetricRMSMm < 3)
        for side in Side.allCases {
            let gap = try #require(p.jointSpaceMm[side])
            #expect((0.75...2.25).contains(gap), "\(side) joint space \(gap) mm")
        }
        #expect(LumbosacralPlacement.discHeightRangeMm.contains(p.discHeightMm), "disc \(p.discHeightMm) mm")
        #expect(LumbosacralPlacement.sacralSlopeRangeDegrees.contains(p.sacralSlopeDegrees), "slope \(p.sacralSlopeDegrees)°")
        // The seating is a small correction, not a relocation.
        #expect(abs(p.seating.normalMm) <= 6 && abs(p.seating.posteriorMm) <= 5 && abs(p.seating.tiltDegrees) <= 10)
    }

    @Test("The pelvis sits where a pelvis does: each hip bone on its side, the sacrum below L5, S1 tilted forward")
    func anatomy() throws {
        let p = try Self.placement.get()
        func centroid(_ m: TriangleMesh) -> Vector3 { m.vertices.reduce(Vector3.zero) { $0 + Vector3($1) } / Double(m.vertices.count) }
        #expect(centroid(p.hipLeft).x > 50 && centroid(p.hipRight).x < -50)  // left is +x (LPS)
        // Only the S1 superior articular processes rise above the endplate, by less than a vertebral body's height.
        #expect(Double(p.sacrum.bounds!.max.z) < p.s1EndplateCentre.z + 35)
        #expect(centroid(p.sacrum).z < p.s1EndplateCentre.z)
        #expect(p.s1EndplateNormal.z > 0.5 && p.s1EndplateNormal.y < 0)  // cranial, tilted forward
        // The iliac crests reach above S1: their tops lie near L4–L5 (the phantom's intercristal test checks the level).
        #expect(Double(p.hipLeft.bounds!.max.z) > p.s1EndplateCentre.z + 40)
    }

    @Test("The frozen surface fits are what SurfaceRegistration computes from the shipped meshes")
    func frozenFits() throws {
        let (l5, l1) = try BodyParts3DFits.computed()
        for (name, fresh, frozen) in [("L5", l5, BodyParts3DFits.l5OntoMeanShapeL5), ("L1", l1, BodyParts3DFits.l1OntoMeanShapeL2)] {
            let t = fresh.transform, f = frozen.transform
            var worst = abs(t.scale - f.scale)
            for i in 0..<3 { worst = max(worst, (t.rotation[i] - f.rotation[i]).length, (t.translationMm[i] - f.translationMm[i]) / 1000) }
            #expect(worst < 1e-9, "\(name) fit changed: update BodyParts3DFits to \(t) (RMS \(fresh.symmetricRMSMm), \(fresh.iterations) iterations)")
            #expect(abs(fresh.symmetricRMSMm - frozen.symmetricRMSMm) < 1e-9)
        }
        // The seating searches find the frozen seats.
        let sacrum = try LumbosacralPlacement.computed(frozen: false).seating
        #expect(sacrum == BodyParts3DFits.sacrumSeat, "sacrum seat changed: update BodyParts3DFits.sacrumSeat to \(sacrum)")
        let l1Seat = try L1Placement.computed(frozen: false).seating
        #expect(l1Seat == BodyParts3DFits.l1Seat, "L1 seat changed: update BodyParts3DFits.l1Seat to \(l1Seat)")
    }

    @Test("BodyParts3D's L1 sits on the mean-shape L2: facet joints open, disc and segmental angle within mean ± 2 SD, no overlap with L2")
    func l1() throws {
        let p = try L1Placement.standard()
        for side in Side.allCases {
            let gap = try #require(p.jointSpaceMm[side])
            #expect((0.5...2.5).contains(gap), "L1–L2 \(side) joint space \(gap) mm")
        }
        #expect(L1Placement.discHeightRangeMm.contains(p.discHeightMm), "disc \(p.discHeightMm) mm")
        #expect(p.segmentalAngleDegrees <= L1Placement.segmentalAngleMaxDegrees)
        #expect(abs(p.seating.normalMm) <= 6 && abs(p.seating.posteriorMm) <= 5 && abs(p.seating.tiltDegrees) <= 10)
        // L1 keeps its own size (the L5 fit's scale): placed, its volume is BodyParts3D's 41.16 cm³ × scale³,
        // within 2 %; the congruent facets then add bone at the inferior articular processes only, under 5 %.
        let scale = try Self.placement.get().registration.transform.scale
        let placed = p.worldFromBodyParts3D.apply(to: try BodyParts3D.mesh(.l1)).signedVolumeMm3
        #expect(abs(placed / 1000 - 41.16 * pow(scale, 3)) < 0.02 * 41.16)
        #expect(p.l1.signedVolumeMm3 >= placed && p.l1.signedVolumeMm3 < 1.05 * placed, "\(placed) → \(p.l1.signedVolumeMm3) mm³")
        // Above L2: the L1 body centre lies cranial to L2's top, and the two meshes share no voxel.
        let l2 = try LumbarMeanShape.vertebrae()[.l2]!
        #expect(Double(p.l1.vertices.map(\.z).reduce(0, +)) / Double(p.l1.vertices.count) > Double(l2.bounds!.max.z))
        let b = l2.bounds!
        let grid = try Grid(dimensions: SIMD3(Int(b.max.x - b.min.x) + 7, Int(b.max.y - b.min.y) + 7, 120),
                            spacingMm: Vector3(1, 1, 1), originMm: (Vector3(b.min) - 3).rounded(.down))
        var v = Volume<UInt8>(grid: grid, repeating: 0)
        MeshVoxelizer.fill(l2, into: &v, label: 21)
        let overwritten = MeshVoxelizer.fill(p.l1, into: &v, label: 20, overwrite: { $0 == 21 })
        #expect(overwritten == 0)
    }
}
