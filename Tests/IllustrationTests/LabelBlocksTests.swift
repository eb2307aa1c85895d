import Anatomy
import Devices
import Foundation
import Imaging
import Testing
@testable import Illustration

@Suite struct LabelBlocksTests {
    /// A 40×36×28 volume with six specks of two labels, scattered differently for each `seed`.
    static func speckled(seed: Int) throws -> Volume<UInt8> {
        let grid = try Grid(dimensions: SIMD3(40, 36, 28), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        var v = Volume<UInt8>(grid: grid, repeating: Tissue.muscle.rawValue)
        for n in 0..<6 {
            v[(7 * n + 13 * seed) % 40, (11 * n + 5 * seed) % 36, (5 * n + 9 * seed) % 28] = n % 2 == 0 ? Tissue.l5.rawValue : Tissue.dura.rawValue
        }
        return v
    }

    @Test("Each block's distance is the chessboard distance, in blocks, to the nearest block holding a drawn label")
    func distancesMatchABruteForceSearch() throws {
        for seed in [1, 2, 3] {
            let v = try Self.speckled(seed: seed)
            let blocks = LabelBlocks(labels: v)
            let n = blocks.blocks
            for drawn in [[Tissue.l5.rawValue], [Tissue.l5.rawValue, Tissue.dura.rawValue]] {
                let d = blocks.distance(drawn: LabelBlocks.mask(drawn), contrastBox: nil)
                // Brute force: which blocks hold a drawn voxel, then the nearest of them from each block.
                var occupied: [SIMD3<Int>] = []
                for k in 0..<v.grid.dimensions.z { for j in 0..<v.grid.dimensions.y { for i in 0..<v.grid.dimensions.x where drawn.contains(v[i, j, k]) {
                    occupied.append(SIMD3(i, j, k) / LabelBlocks.block)
                } } }
                for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
                    let expected = occupied.map { max(abs($0.x - i), abs($0.y - j), abs($0.z - k)) }.min() ?? 255
                    #expect(Int(d[i + n.x * (j + n.y * k)]) == min(expected, 255), "seed \(seed) block \(i),\(j),\(k)")
                } } }
            }
        }
    }

    @Test("A render with a shared block index is pixel-identical to one that builds its own")
    func aSharedIndexRendersTheSame() throws {
        let v = try IllustrationTests.sphereVolume()
        let shared = LabelBlocks(labels: v)
        let camera = try Camera.lookAt(eye: Vector3(60, -80, 40), target: .zero, up: Vector3(0, 0, 1), width: 64, height: 64)
        let own = SurfaceRenderer(labels: v).render(camera)
        var reused = SurfaceRenderer(labels: v, blocks: shared)
        _ = reused.render(camera)
        reused.styles[.dura] = nil   // another drawn set, then back: each distance field is kept apart
        _ = reused.render(camera)
        reused.styles = StructureStyle.defaults
        #expect(reused.render(camera).pixels == own.pixels)
    }
}
