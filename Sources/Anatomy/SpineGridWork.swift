/// A build stage that works in the spine grid: the bony and canal structures' voxel grid (world LPS mm,
/// isotropic voxels of `h` mm on the lattice of multiples of `h`), with the helpers the stages share.
protocol SpineGridWork {
    /// Labels of the bony and canal structures built so far.
    var spine: Volume<UInt8> { get set }
    /// The voxel size, mm.
    var h: Double { get }
}

extension SpineGridWork {
    var grid: Grid { spine.grid }

    /// The index box of the spine grid covering a world box centred on `c` with half-size `r` mm.
    func box(around c: Vector3, halfSizeMm r: Vector3) -> IndexBox {
        IndexBox(grid: grid, worldMin: c - r, worldMax: c + r)
    }

    /// Calls `body` with the linear index and world position of every voxel in `box`.
    func forEachVoxel(in box: IndexBox, _ body: (Int, Vector3) -> Void) {
        guard !box.isEmpty else { return }
        let o = grid.worldFromIndex.translation
        for k in box.lower.z...box.upper.z {
            for j in box.lower.y...box.upper.y {
                var lin = grid.linearIndex(box.lower.x, j, k)
                for i in box.lower.x...box.upper.x {
                    body(lin, Vector3(o.x + Double(i) * h, o.y + Double(j) * h, o.z + Double(k) * h))
                    lin += 1
                }
            }
        }
    }

    /// The voxel of `label` nearest to `p` (searching up to 12 mm), or `p` itself when none is found.
    func snap(_ p: Vector3, to label: UInt8) -> Vector3 {
        if spine.value(nearestTo: p) == label { return p }
        var best: (d: Double, q: Vector3)? = nil
        forEachVoxel(in: box(around: p, halfSizeMm: Vector3(12, 12, 12))) { lin, q in
            guard spine.voxels[lin] == label else { return }
            let d = (q - p).length
            if best == nil || d < best!.d { best = (d, q) }
        }
        return best?.q ?? p
    }

    /// Distances (mm) to the nearest voxel where `isFeature` holds, over `box`.
    func distances(in box: IndexBox, _ isFeature: (UInt8) -> Bool) -> [Float] {
        spine.voxels.withUnsafeBufferPointer { v in
            DistanceTransform.distancesMm(grid: grid, box: box) { isFeature(v[$0]) }
        }
    }

    /// Sets `label` in voxels within `radiusMm` of the segment from `a` to `b` where `replace` holds.
    mutating func tube(from a: Vector3, to b: Vector3, radiusMm r: Double, label: UInt8, replace: (UInt8) -> Bool) {
        let lo = pointwiseMin(a, b) - Vector3(r, r, r), hi = pointwiseMax(a, b) + Vector3(r, r, r)
        let region = IndexBox(grid: grid, worldMin: lo, worldMax: hi)
        let d = b - a, len2 = d.dot(d)
        forEachVoxel(in: region) { lin, p in
            let t = min(1, max(0, (p - a).dot(d) / len2))
            guard (p - (a + d * t)).length <= r, replace(spine.voxels[lin]) else { return }
            spine.voxels[lin] = label
        }
    }
}
