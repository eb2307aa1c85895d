import Anatomy
import Fluoroscopy
import Foundation

extension BenchCommand {
    /// `fluoro.ct512`: a 512×512 polychromatic (80 kVp) AP shot of a synthetic 512×512×133 Int16 CT
    /// (0.8 × 0.8 × 2.5 mm, a water cylinder with a bone ring — the size of a clinical lumbar CT);
    /// `fluoro.ct512.session`: the same with running sums reused across shots; `fluoro.subject.<view>`:
    /// shots of the flagship subject's CT at `--voxel-mm` at L5, AP, left oblique and lateral.
    func fluoroBenchmarks() throws -> [BenchmarkResult] {
        let grid = try Grid(dimensions: SIMD3(512, 512, 133), spacingMm: Vector3(0.8, 0.8, 2.5), originMm: Vector3(-204.4, -204.4, -165))
        var hu = [Int16](repeating: -1000, count: grid.voxelCount)
        var noise: UInt64 = 20261125
        for k in 0..<133 { for j in 0..<512 { for i in 0..<512 {
            let p = grid.world(i, j, k), r = (p.x * p.x + p.y * p.y).squareRoot()
            // Soft tissue and bone with a clinical CT's noise (SD ≈ 12 HU, seeded), so that no block
            // inside the body is uniform: the worst case for block skipping, as in a real scan.
            noise = noise &* 6364136223846793005 &+ 1442695040888963407
            let u = Double(noise >> 11) / Double(1 << 53), u2 = Double((noise >> 3) & 0xFFFF) / 65536
            let jitter = Int16(((u + u2 - 1) * 12 * 6.0.squareRoot()).rounded())
            hu[grid.linearIndex(i, j, k)] = r < 150 ? (r > 20 && r < 30 ? 1000 : 40) + jitter : -1000
        } } }
        let ct = try AttenuationVolume(hounsfield: Volume(grid: grid, voxels: hu))
        let spectrum = try Spectrum.tungsten(kVp: 80)
        let ap = try CArm(isocentreMm: .zero, sourceDirection: CArm.View.ap.sourceDirection())
        var results: [BenchmarkResult] = []
        results.append(try BenchmarkResult.measure(name: "fluoro.ct512", runs: runs) {
            _ = DRRRenderer(volume: ct).render(ap, Exposure(spectrum: spectrum))
        })
        // A session (web UI, rehearsal): running sums built once on the warm-up shot, then reused.
        results.append(try BenchmarkResult.measure(name: "fluoro.ct512.session", runs: runs) {
            _ = DRRRenderer(volume: ct, session: true).render(ap, Exposure(spectrum: spectrum))
        })
        var options = PhantomOptions()
        options.voxelMm = voxelMm
        let subject = try LumbarPhantom.build(try options.validated())
        let volume = try AttenuationVolume(subjectCT: subject.ct, labels: subject.labels)
        for view in [CArm.View.ap, .obliqueLeft, .lateral] {
            let carm = try CArm(isocentreMm: subject.landmarks["L5.bodyCentre"]!, sourceDirection: view.sourceDirection())
            results.append(try BenchmarkResult.measure(name: "fluoro.subject.\(view.rawValue)", runs: runs) {
                _ = DRRRenderer(volume: volume).render(carm, Exposure(spectrum: spectrum))
            })
        }
        return results
    }
}
