/// A box of voxel indices, `lower` and `upper` inclusive.
public struct IndexBox: Hashable, Sendable {
    public var lower: SIMD3<Int>
    public var upper: SIMD3<Int>

    public init(lower: SIMD3<Int>, upper: SIMD3<Int>) {
        self.lower = lower
        self.upper = upper
    }

    /// The voxels whose centres lie in a world-space axis-aligned box, clipped to the grid.
    public init(grid: Grid, worldMin: Vector3, worldMax: Vector3) {
        let a = grid.indexFromWorld.apply(worldMin), b = grid.indexFromWorld.apply(worldMax)
        let lo = SIMD3(Int(min(a.x, b.x).rounded(.up)), Int(min(a.y, b.y).rounded(.up)), Int(min(a.z, b.z).rounded(.up)))
        let hi = SIMD3(Int(max(a.x, b.x).rounded(.down)), Int(max(a.y, b.y).rounded(.down)), Int(max(a.z, b.z).rounded(.down)))
        lower = pointwiseMax(lo, .zero)
        upper = pointwiseMin(hi, grid.dimensions &- 1)
    }

    public var isEmpty: Bool { any(upper .< lower) }
    public var size: SIMD3<Int> { isEmpty ? .zero : upper &- lower &+ 1 }
    public var count: Int { let s = size; return s.x * s.y * s.z }

    /// Grows the box by `margin` voxels on every side, clipped to `grid`.
    public func expanded(by margin: Int, within grid: Grid) -> IndexBox {
        IndexBox(lower: pointwiseMax(lower &- margin, .zero), upper: pointwiseMin(upper &+ margin, grid.dimensions &- 1))
    }

    /// The smallest box holding every voxel where `predicate` is true, or `nil` if none is.
    public static func bounding<E>(_ volume: Volume<E>, where predicate: (E) -> Bool) -> IndexBox? {
        let g = volume.grid
        var lo = SIMD3(Int.max, Int.max, Int.max), hi = SIMD3(Int.min, Int.min, Int.min)
        volume.voxels.withUnsafeBufferPointer { v in
            var n = 0
            for k in 0..<g.dimensions.z {
                for j in 0..<g.dimensions.y {
                    for i in 0..<g.dimensions.x {
                        if predicate(v[n]) {
                            lo = pointwiseMin(lo, SIMD3(i, j, k)); hi = pointwiseMax(hi, SIMD3(i, j, k))
                        }
                        n += 1
                    }
                }
            }
        }
        return lo.x == Int.max ? nil : IndexBox(lower: lo, upper: hi)
    }

    /// The bounding box of each label value 0…255 of a label volume, in one pass (`nil` if absent).
    public static func boundingEach(_ volume: Volume<UInt8>) -> [IndexBox?] {
        let d = volume.grid.dimensions
        var lo = [SIMD3<Int>](repeating: SIMD3(Int.max, Int.max, Int.max), count: 256)
        var hi = [SIMD3<Int>](repeating: SIMD3(Int.min, Int.min, Int.min), count: 256)
        volume.voxels.withUnsafeBufferPointer { v in
            var n = 0
            for k in 0..<d.z {
                for j in 0..<d.y {
                    for i in 0..<d.x {
                        let l = Int(v[n])
                        n += 1
                        if l == 0 { continue }
                        let p = SIMD3(i, j, k)
                        lo[l] = pointwiseMin(lo[l], p); hi[l] = pointwiseMax(hi[l], p)
                    }
                }
            }
        }
        return (0..<256).map { lo[$0].x == Int.max ? nil : IndexBox(lower: lo[$0], upper: hi[$0]) }
    }
}
