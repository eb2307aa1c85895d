import Anatomy
import Testing
@testable import Fluoroscopy

/// The collimator closes the detector rows whose rays would leave a subject's modelled body through its
/// ends — an analytic body: a water prism (|x| < 50 mm, |y| < 40 mm) with a bone core, 80 mm tall.
@Suite struct ShuttersTests {
    static let halfHeightMm = 40.0

    static func body() throws -> AttenuationVolume {
        let grid = try Grid(dimensions: SIMD3(64, 64, 40), spacingMm: Vector3(2, 2, 2), originMm: Vector3(-63, -63, -39))
        var hu = Volume<Int16>(grid: grid, repeating: -1000)
        for k in 0..<40 { for j in 0..<64 { for i in 0..<64 {
            let p = grid.world(i, j, k)
            if abs(p.x) < 50, abs(p.y) < 40 { hu[i, j, k] = abs(p.x) < 10 && abs(p.y) < 10 ? 1000 : 0 }
        } } }
        return try AttenuationVolume(hounsfield: hu)
    }

    /// Whether the ray from the source to the centre of pixel (row, column) passes through the prism's
    /// cross-section beyond the volume's ends (sampled every 0.25 mm), with the prism shrunk by `marginMm`
    /// (negative: grown) — the voxels on its faces are a matter of rounding.
    static func leavesThroughBody(_ carm: CArm, row: Int, column: Int, marginMm: Double) -> Bool {
        let s = carm.sourceMm, d = carm.detectorPoint(column: Double(column), row: Double(row))
        let steps = Int((d - s).length / 0.25)
        return (0...steps).contains { n in
            let p = s + (d - s) * (Double(n) / Double(steps))
            return abs(p.x) < 50 - marginMm && abs(p.y) < 40 - marginMm && abs(p.z) > halfHeightMm + marginMm
        }
    }

    @Test func rowsWhoseRaysLeaveTheBodyAreClosedAndNoOthers() throws {
        let volume = try Self.body()
        let scene = FluoroScene(volume: volume, collimatesToModel: true)
        // The default 300 mm detector sees ±105 mm at the isocentre: far beyond the 80 mm body at both ends.
        let carm = try CArm(isocentreMm: Vector3(0, 0, 10), sourceDirection: CArm.View.ap.sourceDirection(), pixels: 64)
        let shot = try scene.shoot(carm)
        let s = shot.shutters
        #expect(s.topRows > 0 && s.bottomRows > 0 && s.topRows > s.bottomRows, "\(s)")  // centred 10 mm up: more closed above
        for row in 0..<64 {
            let closed = row < s.topRows || row >= 64 - s.bottomRows
            let leaves = (0..<64).contains { Self.leavesThroughBody(carm, row: row, column: $0, marginMm: 1) }
            if !closed { #expect(!leaves, "open row \(row) has a ray leaving through the body") }
            if closed { #expect(shot.image.transmission[(row * 64)..<(row * 64 + 64)].allSatisfy { $0 == 0 }) }
        }
        // The innermost closed row on each side is one that had to be closed.
        #expect((0..<64).contains { Self.leavesThroughBody(carm, row: s.topRows - 1, column: $0, marginMm: -2) })
        #expect((0..<64).contains { Self.leavesThroughBody(carm, row: 64 - s.bottomRows, column: $0, marginMm: -2) })
        // The dose–area product counts the open field only; a bare CT is cast whole.
        let bare = try FluoroScene(volume: volume).shoot(carm)
        #expect(bare.shutters.isOpen)
        #expect(abs(shot.dose.doseAreaProductMGyCm2 - bare.dose.doseAreaProductMGyCm2 * s.openFraction(pixels: 64)) < 1e-9)
        #expect(shot.dose.referenceAirKermaMGy == bare.dose.referenceAirKermaMGy)
    }

    /// A phantom's model ends where its bones end (above L1 there is body but no T12): shots close rows
    /// at the slices its bones span, a few rows more than at the volume's ends.
    @Test func aPhantomIsCollimatedWhereItsBonesEnd() throws {
        let volume = try Self.body()
        var labels = Volume<UInt8>(grid: volume.grid, repeating: Tissue.muscle.rawValue)
        for k in 5...34 { labels[32, 32, k] = Tissue.l3.rawValue }
        #expect(FluoroScene.boneSlices(labels) == 5...34)
        #expect(FluoroScene.boneSlices(Volume<UInt8>(grid: volume.grid, repeating: Tissue.muscle.rawValue)) == nil)
        let carm = try CArm(isocentreMm: Vector3(0, 0, 10), sourceDirection: CArm.View.ap.sourceDirection(), pixels: 64)
        let whole = try FluoroScene(volume: volume, collimatesToModel: true).shoot(carm).shutters
        let bones = try FluoroScene(volume: volume, collimatesToModel: true, modelledSlices: FluoroScene.boneSlices(labels)).shoot(carm).shutters
        // 10 mm fewer at each end: at the detector (magnification 1000/700 ≈ 1.4, 4.7 mm pixels) ≈ 3 rows.
        #expect(bones.topRows - whole.topRows >= 2 && bones.bottomRows - whole.bottomRows >= 2, "\(whole) → \(bones)")
    }

    @Test func aFieldInsideTheBodyStaysOpen() throws {
        let scene = FluoroScene(volume: try Self.body(), collimatesToModel: true)
        let carm = try CArm(isocentreMm: .zero, sourceDirection: CArm.View.ap.sourceDirection(), detectorMm: 60, pixels: 32)
        #expect(try scene.shoot(carm).shutters.isOpen)
        // A lateral field as tall as the body is open too: rays that leave through the ends beside the body
        // (outside its cross-section) cross air.
        let lateral = try CArm(isocentreMm: .zero, sourceDirection: CArm.View.lateral.sourceDirection(), detectorMm: 100, pixels: 32)
        #expect(try scene.shoot(lateral).shutters.isOpen)
    }

    /// Closed rows show as a blade (black; white in the radiograph convention) and take no part in the
    /// window: the open rows still span the display's full range.
    @Test func closedRowsShowAsABladeAndLeaveTheWindowToTheImage() throws {
        let scene = FluoroScene(volume: try Self.body(), collimatesToModel: true)
        let carm = try CArm(isocentreMm: Vector3(0, 0, 10), sourceDirection: CArm.View.ap.sourceDirection(), pixels: 64)
        let shot = try scene.shoot(carm)
        let s = shot.shutters
        let open = (s.topRows..<(64 - s.bottomRows)).flatMap { row in (0..<64).map { row * 64 + $0 } }
        let closed = Set(0..<(64 * 64)).subtracting(open)
        for invert in [false, true] {
            let image = FluoroscopyDisplay.image(shot.image, invert: invert)
            #expect(closed.allSatisfy { image.pixels[$0] == (invert ? 255 : 0) })
            let shown = open.map { image.pixels[$0] }
            #expect(shown.min()! <= 3 && shown.max()! >= 252, "open rows span \(shown.min()!)–\(shown.max()!)")
        }
    }
}
