import Anatomy
import Fluoroscopy
import Foundation
import Imaging
import Testing
import Ultrasound
@testable import Illustration

@Suite struct IllustrationTests {
    /// A 64³ volume of 1 mm with a bone sphere of radius 12 mm at the origin.
    static func sphereVolume() throws -> Volume<UInt8> {
        let grid = try Grid(dimensions: SIMD3(64, 64, 64), spacingMm: Vector3(1, 1, 1), originMm: Vector3(-31.5, -31.5, -31.5))
        var v = Volume<UInt8>(grid: grid, repeating: 0)
        for k in 0..<64 { for j in 0..<64 { for i in 0..<64 where grid.world(i, j, k).length < 12 { v[i, j, k] = Tissue.l5.rawValue } } }
        return v
    }

    static func centroid(_ image: RGBImage, where match: (RGB) -> Bool) -> (x: Double, y: Double, count: Int) {
        var sx = 0.0, sy = 0.0, n = 0
        for y in 0..<image.height { for x in 0..<image.width where match(image[x, y]) { sx += Double(x); sy += Double(y); n += 1 } }
        return (sx / Double(max(n, 1)), sy / Double(max(n, 1)), n)
    }

    @Test(arguments: [CArm.View.ap, .obliqueLeft, .lateral])
    func aMarkerLandsWhereTheCArmProjectsIt(view: CArm.View) throws {
        var renderer = SurfaceRenderer(labels: try Self.sphereVolume())
        let point = Vector3(6, -5, 20)  // outside the sphere, inside the volume
        renderer.overlays = [.markers([point], radiusMm: 1.5, colour: RGB(255, 0, 0))]
        let carm = try CArm(isocentreMm: .zero, sourceDirection: view.sourceDirection(), detectorMm: 100, pixels: 128)
        let image = renderer.render(.fluoroscopy(carm))
        let c = Self.centroid(image) { $0.r > 150 && $0.g < 90 && $0.b < 90 }
        let expected = try #require(carm.project(point))
        #expect(c.count > 10)
        #expect(abs(c.x - expected.column) <= 2 && abs(c.y - expected.row) <= 2, "marker at (\(c.x), \(c.y)), projected (\(expected.column), \(expected.row))")
        // The same C-arm resampled to another size keeps the agreement.
        let half = renderer.render(.fluoroscopy(carm, size: 64))
        let h = Self.centroid(half) { $0.r > 150 && $0.g < 90 && $0.b < 90 }
        let e2 = try #require(Camera.fluoroscopy(carm, size: 64).project(point))
        #expect(abs(h.x - e2.column) <= 2 && abs(h.y - e2.row) <= 2)
    }

    @Test func theSphereIsADiscOfTheRightSizeShadedTowardItsRim() throws {
        let renderer = SurfaceRenderer(labels: try Self.sphereVolume())
        let camera = try Camera.lookAt(eye: Vector3(0, 200, 0), target: .zero, up: Vector3(0, 0, 1), fieldOfViewDeg: 20, width: 128, height: 128)
        let image = renderer.render(camera)
        let bg = renderer.background
        let disc = Self.centroid(image) { $0 != bg }
        // Apparent radius: atan(12 / √(200² − 12²)) over the half field of view, in pixels.
        let radius = tan(asin(12.0 / 200)) / tan(10 * Double.pi / 180) * 64
        #expect(abs(Double(disc.count) - Double.pi * radius * radius) / (Double.pi * radius * radius) < 0.08, "disc area \(disc.count)")
        #expect(abs(disc.x - 63.5) < 1 && abs(disc.y - 63.5) < 1)
        // Lit by a headlight: the centre faces the camera and is brighter than the rim.
        let centre = image[64, 64], rim = image[64 + Int(radius * 0.9), 64]
        #expect(Int(centre.r) > Int(rim.r) + 20)
    }

    @Test func aTranslucentSideLetsTheNeedleBehindShowThrough() throws {
        var renderer = SurfaceRenderer(labels: try Self.sphereVolume())
        // A needle behind the sphere's right half (x < 0 is the patient's right), seen from posterior.
        let needle = try NeedleShaft(tipMm: Vector3(-5, -20, 0), hubMm: Vector3(-5, -20, 30), outerDiameterMm: 1.27)
        renderer.overlays = [.needle(needle)]
        let camera = try Camera.lookAt(eye: Vector3(0, 200, 0), target: .zero, up: Vector3(0, 0, 1), fieldOfViewDeg: 20, width: 128, height: 128)
        let at = try #require(camera.project(Vector3(-5, -20, 5)))
        let opaque = renderer.render(camera)[Int(at.column.rounded()), Int(at.row.rounded())]
        renderer.translucentSide = .right
        let seeThrough = renderer.render(camera)[Int(at.column.rounded()), Int(at.row.rounded())]
        #expect(opaque != seeThrough)
        #expect(Int(seeThrough.b) - Int(seeThrough.r) > Int(opaque.b) - Int(opaque.r))  // steel grey-blue mixes in
    }

    @Test func theSameSceneRendersIdentically() throws {
        let renderer = SurfaceRenderer(labels: try Self.sphereVolume())
        let camera = try Camera.lookAt(eye: Vector3(80, 150, 60), target: .zero, up: Vector3(0, 0, 1), width: 96, height: 72)
        #expect(renderer.render(camera) == renderer.render(camera))
    }
}
