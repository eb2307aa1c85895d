import Anatomy
import Foundation
import Testing
@testable import Fluoroscopy

@Suite struct InputsAndDoseTests {
    /// The same bony bead stored axis-aligned and in a rotated (oblique-sform) grid: the shots agree,
    /// because the traversal works in each grid's own index space.
    @Test func obliqueGridsGiveTheSameShot() throws {
        let bead = Vector3(4, -3, 6)
        func hu(_ p: Vector3) -> Int16 { (p - bead).length < 5 ? 1500 : ((p.x * p.x + p.y * p.y) < 30 * 30 ? 40 : -1000) }
        let straight = DRRTests.phantom(n: 96, voxelMm: 0.75, hu)
        // A grid rotated 30° about z and 20° about x, covering the same region.
        let r = Matrix4(rows: [SIMD4(cos(0.5236), -sin(0.5236), 0, 0), SIMD4(sin(0.5236), cos(0.5236), 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1)])
            * Matrix4(rows: [SIMD4(1, 0, 0, 0), SIMD4(0, cos(0.349), -sin(0.349), 0), SIMD4(0, sin(0.349), cos(0.349), 0), SIMD4(0, 0, 0, 1)])
        let n = 110, s = 0.75, c = Double(n - 1) / 2 * s
        let scale = Matrix4(rows: [SIMD4(s, 0, 0, -c), SIMD4(0, s, 0, -c), SIMD4(0, 0, s, -c), SIMD4(0, 0, 0, 1)])
        let grid = try Grid(dimensions: SIMD3(n, n, n), worldFromIndex: r * scale)
        var voxels = [Int16](repeating: -1000, count: grid.voxelCount)
        for k in 0..<n { for j in 0..<n { for i in 0..<n { voxels[grid.linearIndex(i, j, k)] = hu(grid.world(i, j, k)) } } }
        let rotated = Volume(grid: grid, voxels: voxels)
        let carm = try DRRTests.carm(.obliqueLeft, pixels: 64, detectorMm: 60)
        let exposure = Exposure(spectrum: try .monochromatic(keV: 60), waterScaledMonochromatic: true)
        let a = DRRRenderer(volume: try AttenuationVolume(hounsfield: straight)).render(carm, exposure)
        let b = DRRRenderer(volume: try AttenuationVolume(hounsfield: rotated)).render(carm, exposure)
        // Voxelisations differ at the edges, so compare where it matters: the bead's shadow.
        let p = try #require(carm.project(bead))
        let i = Int(p.row.rounded()) * carm.pixels + Int(p.column.rounded())
        #expect(abs(a.lineIntegral[i] / b.lineIntegral[i] - 1) < 0.03, "bead shadow \(a.lineIntegral[i]) vs \(b.lineIntegral[i])")
        let ncc = Self.ncc(a.lineIntegral, b.lineIntegral)
        #expect(ncc > 0.995, "NCC \(ncc)")
    }

    static func ncc(_ a: [Float], _ b: [Float]) -> Double {
        let ma = a.reduce(0) { $0 + Double($1) } / Double(a.count), mb = b.reduce(0) { $0 + Double($1) } / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { let u = Double(x) - ma, v = Double(y) - mb; sab += u * v; saa += u * u; sbb += v * v }
        return sab / (saa * sbb).squareRoot()
    }

    @Test func totalSegmentatorLabelsNameTheLevels() throws {
        #expect(VertebraLabels.totalSegmentator.label(of: "L5") == 27 && VertebraLabels.totalSegmentator.label(of: "L1") == 31)
        #expect(VertebraLabels.totalSegmentator.label(of: "S1") == 25 && VertebraLabels.verse.label(of: "L2") == 21)
        let ct = DRRTests.phantom(n: 32, voxelMm: 2) { p in p.z > 10 ? 300 : -1000 }
        var labels = Volume<UInt8>(grid: ct.grid, repeating: 0)
        for k in 0..<32 { for j in 0..<32 { for i in 0..<32 where ct.grid.world(i, j, k).z > 10 && ct.grid.world(i, j, k).x > 0 {
            labels.voxels[ct.grid.linearIndex(i, j, k)] = 30   // vertebrae_L2
        } } }
        let scene = FluoroScene(volume: try AttenuationVolume(hounsfield: ct), labels: labels, labelFormat: .totalSegmentator)
        let iso = try scene.isocentre("L2")
        #expect(iso.x > 0 && iso.z > 10)
        #expect(throws: FluoroscopyError.self) { try scene.isocentre("L4") }       // not labelled
        #expect(throws: FluoroscopyError.self) { try scene.isocentre("500,0,0") }  // outside the CT
    }

    @Test func doseFollowsTheInverseSquareAndTheLedgerAddsUp() throws {
        let near = try CArm(isocentreMm: .zero, sourceDirection: Vector3(0, -1, 0), sadMm: 600, sidMm: 1000)
        let far = try CArm(isocentreMm: .zero, sourceDirection: Vector3(0, -1, 0), sadMm: 800, sidMm: 1200)
        let a = ShotDose(carm: near, kVp: 80, mAs: 2, sourceToSkinMm: 450)
        let b = ShotDose(carm: far, kVp: 80, mAs: 2, sourceToSkinMm: 650)
        // Reference point 15 cm before the isocentre: kerma ∝ 1/(SAD − 150)².
        #expect(abs(a.referenceAirKermaMGy / b.referenceAirKermaMGy - pow(650.0 / 450, 2)) < 1e-9)
        // Doubling mAs doubles everything.
        let c = ShotDose(carm: near, kVp: 80, mAs: 4, sourceToSkinMm: 450)
        #expect(abs(c.doseAreaProductMGyCm2 / a.doseAreaProductMGyCm2 - 2) < 1e-9)
        var ledger = DoseLedger()
        ledger.record(a); ledger.record(c)
        #expect(ledger.exposures == 2 && abs(ledger.totalMAs - 6) < 1e-12)
        #expect(abs(ledger.totalReferenceAirKermaMGy - (a.referenceAirKermaMGy + c.referenceAirKermaMGy)) < 1e-12)
    }

    @Test func quantumNoiseIsPoissonAndSeeded() throws {
        let flat = [Float](repeating: 0.25, count: 20000)
        let n0 = 400.0
        let a = QuantumNoise.apply(to: flat, photons: n0, seed: 3), b = QuantumNoise.apply(to: flat, photons: n0, seed: 3)
        #expect(a == b)
        #expect(a != QuantumNoise.apply(to: flat, photons: n0, seed: 4))
        let counts = a.map { Double($0) * n0 }
        let mean = counts.reduce(0, +) / Double(counts.count)
        let variance = counts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(counts.count - 1)
        #expect(abs(mean - 100) < 1 && abs(variance / mean - 1) < 0.05, "mean \(mean), variance \(variance)")
    }
}
