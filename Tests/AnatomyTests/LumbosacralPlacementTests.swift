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
        // The iliac crests reach above S1: their tops lie near L4–L5 (checked against landmarks once the phantom carries them).
        #expect(Double(p.hipLeft.bounds!.max.z) > p.s1EndplateCentre.z + 40)
    }
}
