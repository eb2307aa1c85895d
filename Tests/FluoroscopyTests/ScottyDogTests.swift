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

    /// The default lysis plane lies along the ipsilateral oblique beam: the collar stands out of the bone
    /// around it (`DefectLucency.isLucent`). The same defects cut across the beam (obliquity +30°, the
    /// cleft's plane ≈ 45° to it) brighten the picture less than the anatomy varies around them.
    @Test func theDefaultCleftShowsAsACollarAndOneCutAcrossTheBeamDoesNot() throws {
        func lucency(_ subject: Subject) throws -> DefectLucency {
            let pars = subject.landmarks["L5.left.pars"]!
            let carm = try CArm(isocentreMm: pars, sourceDirection: CArm.View.obliqueLeft.sourceDirection(), pixels: 256)
            let scene = FluoroScene(volume: try AttenuationVolume(subjectCT: subject.ct, labels: subject.labels))
            return try #require(try DefectLucency(shot: try scene.shoot(carm), volume: scene.volume, labels: subject.labels, parsMm: pars))
        }
        let along = try lucency(try Self.lyticSubject())
        #expect(along.isLucent && along.conspicuity > 1.1 && along.beamToCleftPlaneDeg < 25, "default: \(along)")
        let across = try lucency(try TestSubjects.subject(defects: try ParsDefect.parseList("L5-left,L5-right", obliquity: .degrees(30)), voxelMm: 1))
        #expect(!across.isLucent && across.conspicuity < 0.9 && across.beamToCleftPlaneDeg > 35, "across: \(across)")
    }

    /// A 16 mm cube of bone (1000 HU) in muscle (50 HU), cut through by a 2 mm cleft of fibrous tissue
    /// (50 HU) in the plane y = 0, shot with a monochromatic water-scaled 60 keV beam, where
    /// μ = μ_water·(1 + HU/1000) exactly. Filling the cleft adds μ_water·0.95 per cm of cleft on a ray.
    static func cleftCube() throws -> (labels: Volume<UInt8>, scene: FluoroScene) {
        let n = 64, h = 0.5
        let grid = try Grid(dimensions: SIMD3(repeating: n), spacingMm: Vector3(h, h, h), originMm: Vector3(repeating: -Double(n - 1) * h / 2))
        var labels = Volume<UInt8>(grid: grid, repeating: Tissue.air.rawValue)
        var hu = Volume<Int16>(grid: grid, repeating: -1000)
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            let p = grid.world(i, j, k)
            guard max(abs(p.x), abs(p.y), abs(p.z)) < 12 else { continue }
            let inCube = max(abs(p.x), abs(p.y), abs(p.z)) < 8
            labels[i, j, k] = inCube ? (abs(p.y) < 1 ? Tissue.parsDefect.rawValue : Tissue.l5.rawValue) : Tissue.muscle.rawValue
            hu[i, j, k] = labels[i, j, k] == Tissue.l5.rawValue ? 1000 : 50
        } } }
        return (labels, FluoroScene(volume: try AttenuationVolume(hounsfield: hu)))
    }

    @Test func theLucencyIsMeasuredInTheImageAndFollowsTheCleftsChord() throws {
        let (labels, scene) = try Self.cleftCube()
        let muWaterPerCm = 0.2059  // NIST XCOM, water at 60 keV (cm²/g × 1 g/cm³)
        func measured(_ direction: Vector3) throws -> (lucency: DefectLucency, deltaL: Double) {
            let carm = try CArm(isocentreMm: .zero, sourceDirection: direction, detectorMm: 60, pixels: 64)
            let shot = try scene.shoot(carm, spectrum: try .monochromatic(keV: 60), waterScaledMonochromatic: true)
            let lucency = try #require(try DefectLucency(shot: shot, volume: scene.volume, labels: labels, parsMm: .zero))
            return (lucency, lucency.bandLogTransmissionGain)
        }
        // Edge-on (the beam in the cleft's plane): the rays cross the cube's 16 mm of cleft.
        let edgeOn = try measured(Vector3(1, 0, 0))
        let expectedEdgeOn = muWaterPerCm * 0.95 * 1.6
        #expect(abs(edgeOn.deltaL - expectedEdgeOn) < 0.1 * expectedEdgeOn, "edge-on: ΔL \(edgeOn.deltaL), expected \(expectedEdgeOn)")
        #expect(edgeOn.lucency.isLucent && edgeOn.lucency.beamToCleftPlaneDeg < 1, "edge-on: \(edgeOn.lucency)")
        // Face-on: they cross its 2 mm width only.
        let faceOn = try measured(Vector3(0, 1, 0))
        let expectedFaceOn = muWaterPerCm * 0.95 * 0.2
        #expect(abs(faceOn.deltaL - expectedFaceOn) < 0.15 * expectedFaceOn, "face-on: ΔL \(faceOn.deltaL), expected \(expectedFaceOn)")
        #expect(faceOn.lucency.beamToCleftPlaneDeg > 89, "face-on: \(faceOn.lucency)")
        #expect(!faceOn.lucency.isLucent && faceOn.lucency.ridgeRiseGrey < edgeOn.lucency.ridgeRiseGrey / 4, "face-on: \(faceOn.lucency)")
        // No cleft, no band.
        var intact = labels
        for v in 0..<intact.voxels.count where intact.voxels[v] == Tissue.parsDefect.rawValue { intact.voxels[v] = Tissue.l5.rawValue }
        let carm = try CArm(isocentreMm: .zero, sourceDirection: Vector3(1, 0, 0), detectorMm: 60, pixels: 64)
        #expect(try DefectLucency(shot: try scene.shoot(carm), volume: scene.volume, labels: intact, parsMm: .zero) == nil)
    }

    @Test func theFilledCleftShotMatchesTheIntactSubject() throws {
        // The measure's what-if (the cleft filled with the mean HU of the bone touching it) against the
        // real thing: the same subject built without the defect, over the band's pixels.
        let lytic = try Self.lyticSubject(), intact = try Self.intactSubject()
        let pars = lytic.landmarks["L5.left.pars"]!
        let carm = try CArm(isocentreMm: pars, sourceDirection: CArm.View.obliqueLeft.sourceDirection(), detectorMm: 120, pixels: 256)
        let lyticScene = FluoroScene(volume: try AttenuationVolume(subjectCT: lytic.ct, labels: lytic.labels))
        let shot = try lyticScene.shoot(carm)
        let lucency = try #require(try DefectLucency(shot: shot, volume: lyticScene.volume, labels: lytic.labels, parsMm: pars))
        let real = try FluoroScene(volume: try AttenuationVolume(subjectCT: intact.ct, labels: intact.labels)).shoot(carm)
        let gains = lucency.bandPixels.map { Double(log(shot.image.transmission[$0] / real.image.transmission[$0])) }.sorted()
        let realGain = gains[gains.count / 2]
        // Within 1.5 grey levels of a plain window over the shot's −ln(I/I₀).
        let lineIntegrals = FluoroscopyDisplay.logTransmission(shot.image.transmission)
        let span = Double(FluoroscopyDisplay.window(lineIntegrals, saw: lineIntegrals).span)
        #expect(abs(lucency.bandLogTransmissionGain - realGain) < 1.5 / 255 * span,
                "what-if \(lucency.bandLogTransmissionGain) vs intact subject \(realGain)")
        #expect(realGain > 0)
    }
}
