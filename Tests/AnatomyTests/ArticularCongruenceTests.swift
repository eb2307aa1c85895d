import Foundation
import Testing
@testable import Anatomy
@testable import VolumeGeometry
import ParsGuideCore

/// Facets of two bones from different bodies made congruent (issue 15: the L5–S1 joint space 1–2 mm).
@Suite struct ArticularCongruenceTests {
    @Test("Midpoint subdivision keeps the surface: four triangles each, one vertex per edge, the same volume, closed")
    func subdivision() {
        let box = Shapes.box(min: SIMD3(-3, -2, -1), max: SIMD3(4, 5, 6)), fine = box.subdividedAtMidpoints()
        #expect(fine.triangles.count == 4 * box.triangles.count)
        #expect(fine.vertices.count == 8 + 18)  // 8 corners + 18 edges (12 sides, 6 face diagonals)
        #expect(abs(fine.signedVolumeMm3 - box.signedVolumeMm3) < 1e-3 && abs(box.signedVolumeMm3 - 7 * 7 * 7) < 1e-3)
        #expect(Shapes.isClosed(fine))
    }

    @Test("A flat facet 3.5 mm below a ball is drawn in to the joint space around it; the far side stays; no triangle turns over")
    func flatFacetUnderABall() throws {
        let ball = Shapes.sphere(radius: 10)
        var block = Shapes.box(min: SIMD3(-20, -20, -40), max: SIMD3(20, 20, -13.5))
        for _ in 0..<4 { block = block.subdividedAtMidpoints() }  // 2.5 mm edges, as BodyParts3D's
        let (reshaped, gaps) = ArticularCongruence(targetGapMm: 1.5).reshaped(block, toward: ball, at: [.left: .zero])
        let joint = try #require(gaps[.left])
        #expect(gaps[.right] == nil)
        // Before: 3.5 mm under the pole, ≈ 8 mm at the edge of the facing patch, where the pull fades out.
        #expect((4...8).contains(joint.medianBeforeMm), "before \(joint.medianBeforeMm) mm")
        #expect(joint.medianAfterMm < joint.medianBeforeMm / 2, "after \(joint.medianAfterMm) mm")
        #expect(joint.closestAfterMm >= 0.75, "closest \(joint.closestAfterMm) mm")
        #expect(joint.articularVertices > 100)
        let fine = block.subdividedAtMidpoints()
        #expect(fine.triangles == reshaped.triangles)
        // Wherever the facet faced the ball across at most 5 mm (the full pull), it now does so across the
        // joint space; the vertex under the pole moves straight up to it.
        var full = 0
        for (a, b) in zip(fine.vertices.map { Vector3($0) }, reshaped.vertices.map { Vector3($0) }) where a.z == -13.5 && a.length - 10 <= 5 {
            full += 1
            #expect(abs(b.length - 10 - 1.5) < 0.35, "\(a) → \(b): gap \(b.length - 10) mm")
            if a.x == 0 && a.y == 0 { #expect(abs(b.z + 11.5) < 0.3 && abs(b.x) < 0.01 && abs(b.y) < 0.01, "pole \(b)") }
        }
        #expect(full > 20)
        #expect(reshaped.vertices.map { Vector3($0).length }.min()! > 10.75)
        // The far side and the block's rim do not move.
        for (a, b) in zip(fine.vertices, reshaped.vertices) where a.z < -30 || abs(a.x) > 19 || abs(a.y) > 19 { #expect(a == b) }
        // A smooth field: no triangle turns by more than 60°.
        func normal(_ m: TriangleMesh, _ t: SIMD3<UInt32>) -> Vector3 {
            let a = Vector3(m.vertices[Int(t.x)]), b = Vector3(m.vertices[Int(t.y)]), c = Vector3(m.vertices[Int(t.z)])
            return (b - a).cross(c - a).normalized
        }
        let turned = fine.triangles.filter { normal(fine, $0).dot(normal(reshaped, $0)) < 0.5 }.count
        #expect(turned == 0)
    }
}
