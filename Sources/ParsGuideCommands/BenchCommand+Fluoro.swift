import Anatomy
import Devices
import Fluoroscopy
import Foundation

extension BenchCommand {
    /// `fluoro.ct512`: a 512×512 polychromatic (80 kVp) AP shot of a synthetic 512×512×133 Int16 CT
    /// (0.8 × 0.8 × 2.5 mm, a water cylinder with a bone ring — the size of a clinical lumbar CT);
    /// `fluoro.subject.<view>`: shots of the flagship subject's CT at `--voxel-mm` at L5, AP, left
    /// oblique and lateral; `fluoro.subject.prepare`: turning that CT into a renderable volume. Shots
    /// use the widest packets this processor runs; where that is AVX-512, they are taken again with
    /// AVX2's 8-ray packets (`….avx2`), for machines without it.
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
        var options = PhantomOptions()
        options.voxelMm = voxel.mm
        let subject = try LumbarPhantom.build(try options.validated())
        // Preparing a CT for rendering (codes, label means, occupied box, block maps): load time, not
        // render time. Its warm-up run makes the volume the shots use.
        var prepared: AttenuationVolume?
        let prepare = try BenchmarkResult.measure(name: "fluoro.subject.prepare", runs: min(runs, 3)) {
            prepared = try AttenuationVolume(subjectCT: subject.ct, labels: subject.labels)
        }
        let volume = prepared!
        var shots = [("fluoro.ct512", ct, ap)]
        for view in [CArm.View.ap, .obliqueLeft, .lateral] {
            shots.append(("fluoro.subject.\(view.rawValue)", volume, try CArm(isocentreMm: subject.landmarks["L5.bodyCentre"]!, sourceDirection: view.sourceDirection())))
        }
        var results = [prepare]
        let widths: [(suffix: String, width: Int?)] = DRRRenderer.packetWidths.count > 1 ? [("", nil), (".avx2", 8)] : [("", nil)]
        for (suffix, width) in widths {
            for (name, volume, carm) in shots {
                var renderer = DRRRenderer(volume: volume)
                renderer.packetWidth = width
                results.append(try BenchmarkResult.measure(name: name + suffix, runs: runs) {
                    _ = renderer.render(carm, Exposure(spectrum: spectrum))
                })
            }
        }
        return results
    }
}
