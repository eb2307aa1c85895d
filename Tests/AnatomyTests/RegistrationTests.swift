import Foundation
import Testing
@testable import Anatomy
import TestSupport

/// The similarity fit, ICP, welding and robust voxelising that bring BodyParts3D's sacrum and pelvis
/// onto the mean-shape spine (issue 15, step 1).
@Suite struct RegistrationTests {
    /// A known similarity: 0.93 ×, 25° about an oblique axis, shifted.
    static let known: SimilarityTransform = {
        let axis = Vector3(0.3, -0.5, 0.8).normalized, a = 25 * Double.pi / 180
        let rows = [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)].map { $0 }
        // Rodrigues: columns are the rotated basis vectors.
        let cols = rows.map { $0.rotated(about: axis, by: .radians(a)) }
        let r = (0..<3).map { i in Vector3(cols[0][i], cols[1][i], cols[2][i]) }
        return SimilarityTransform(scale: 0.93, rotation: r, translationMm: Vector3(12, -7, 30))
    }()

    @Test("The closed-form fit recovers a known similarity from exact correspondences")
    func closedForm() {
        var rng = SeededGenerator(seed: 7)
        let source = (0..<50).map { _ in Vector3(Double.random(in: -30...30, using: &rng), Double.random(in: -20...20, using: &rng), Double.random(in: -10...40, using: &rng)) }
        let fit = SimilarityTransform.fit(source: source, target: source.map(Self.known.apply))
        #expect(abs(fit.scale - 0.93) < 1e-9)
        #expect((fit.translationMm - Self.known.translationMm).length < 1e-8)
        #expect(abs(fit.rotationDegrees - 25) < 1e-7)
        for p in source { #expect((fit.apply(p) - Self.known.apply(p)).length < 1e-8) }
    }

    @Test("ICP recovers a small known similarity between a surface and its moved copy")
    func icpOnMovedSurface() throws {
        // An asymmetric closed surface: the real L5 of BodyParts3D, moved by 6°, 1.04 ×, 4 mm.
        let l5 = try BodyParts3D.mesh(.l5).vertices.map { Vector3($0) }
        let c = l5.reduce(.zero, +) / Double(l5.count)
        let small = SimilarityTransform(scale: 1.04, rotation: SimilarityTransform.identity.rotation.map { $0.rotated(about: Vector3(0, 0, 1), by: .degrees(-6)) },
                                        translationMm: Vector3(3, -2, 2))
        let moved = l5.map { small.apply($0 - c) + c }
        let r = SurfaceRegistration.fit(source: l5, target: moved)
        #expect(r.symmetricRMSMm < 0.05, "RMS \(r.symmetricRMSMm) mm")
        #expect(abs(r.transform.scale - 1.04) < 0.002)
        #expect(abs(r.transform.rotationDegrees - 6) < 0.2)
    }

    @Test("BodyParts3D's L5 registers onto the mean-shape L5: scale near 1, a few degrees, RMS under 3 mm")
    func realL5() throws {
        let source = try BodyParts3D.mesh(.l5).vertices.map { Vector3($0) }
        let target = try LumbarMeanShape.vertebrae()[.l5]!.vertices.map { Vector3($0) }
        let r = SurfaceRegistration.fit(source: source, target: target)
        #expect((0.9...1.1).contains(r.transform.scale), "scale \(r.transform.scale)")
        #expect(r.transform.rotationDegrees < 12, "rotation \(r.transform.rotationDegrees)°")
        #expect(r.symmetricRMSMm < 3, "RMS \(r.symmetricRMSMm) mm")
    }

    @Test("Welding closes every BodyParts3D part; the robust fill gives each header volume within 1 %", arguments: [
        (BodyParts3D.Part.sacrum, 179.22), (.hipRight, 315.02), (.hipLeft, 309.88), (.l1, 41.16), (.l5, 52.02),
    ])
    func weldAndVoxelise(_ c: (BodyParts3D.Part, Double)) throws {
        let mesh = try BodyParts3D.mesh(c.0)
        // As shipped, 250–850 edges per part are not shared by two triangles; welding the duplicated seam
        // vertices closes every part.
        #expect(mesh.boundaryEdgeCount == 0, "\(c.0): \(mesh.boundaryEdgeCount) open edges")
        let b = try #require(mesh.bounds)
        let g = try Grid(dimensions: SIMD3(Int(b.max.x - b.min.x) + 5, Int(b.max.y - b.min.y) + 5, Int(b.max.z - b.min.z) + 5),
                         spacingMm: Vector3(1, 1, 1), originMm: Vector3(b.min) - 2)
        var v = Volume<UInt8>(grid: g, repeating: 0)
        let cm3 = Double(MeshVoxelizer.fillRobust(mesh, into: &v, label: 1)) / 1000
        #expect(abs(cm3 - c.1) / c.1 < 0.01, "\(c.0): \(cm3) cm³, header \(c.1)")
    }

    @Test("The robust fill ignores a hole that breaks the plain even-odd fill")
    func robustFillOnOpenSphere() throws {
        var sphere = Shapes.sphere(radius: 10)
        // Punch a hole: drop every triangle whose centroid lies within 4 mm of the +x pole's axis.
        sphere.triangles.removeAll { t in
            let c = (sphere.vertices[Int(t.x)] + sphere.vertices[Int(t.y)] + sphere.vertices[Int(t.z)]) / 3
            return c.x > 0 && (c.y * c.y + c.z * c.z) < 16
        }
        #expect(sphere.boundaryEdgeCount > 0)
        let g = try Grid(dimensions: SIMD3(50, 50, 50), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(-12.25, -12.25, -12.25))
        var plain = Volume<UInt8>(grid: g, repeating: 0), robust = plain
        let exact = 4.0 / 3 * Double.pi * 1000
        let nPlain = Double(MeshVoxelizer.fill(sphere, into: &plain, label: 1)) * 0.125
        let nRobust = Double(MeshVoxelizer.fillRobust(sphere, into: &robust, label: 1)) * 0.125
        #expect(abs(nPlain - exact) / exact > 0.02)  // the hole's columns are lost
        #expect(abs(nRobust - exact) / exact < 0.02, "\(nRobust) vs \(exact)")
    }
}
