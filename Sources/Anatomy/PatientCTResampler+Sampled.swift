import Foundation

extension PatientCTResampler {
    /// The subject's voxels: labels, Hounsfield units, and which air voxels lie outside the body.
    struct Sampled {
        var labels: Volume<UInt8>
        var hounsfield: Volume<Int16>
        var outside: [Bool]

        /// Labels the body's outer `thicknessMm` as skin: soft tissue within that distance (Euclidean, voxel
        /// centres) of the air outside. Each slice stamps discs around the outside voxels that border the body
        /// in the slices within reach, writing only its own voxels, so slices run in parallel.
        mutating func addSkin(thicknessMm: Double) {
            let g = labels.grid, d = g.dimensions, r = thicknessMm / g.spacingMm.x, reach = Int(r)
            let plane = d.x * d.y
            // Outside voxels with a 6-neighbour that is not outside, per slice.
            let borders = ResultSlots<[Int32]>(count: d.z)
            outside.withUnsafeBufferPointer { o in
                let o = SharedReadOnly(base: o.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: d.z) { k in
                    var list: [Int32] = []
                    for j in 0..<d.y {
                        for i in 0..<d.x {
                            let v = i + d.x * j + plane * k
                            guard o.base[v] else { continue }
                            var inner = false
                            if i > 0, !o.base[v - 1] { inner = true }
                            if i < d.x - 1, !o.base[v + 1] { inner = true }
                            if j > 0, !o.base[v - d.x] { inner = true }
                            if j < d.y - 1, !o.base[v + d.x] { inner = true }
                            if k > 0, !o.base[v - plane] { inner = true }
                            if k < d.z - 1, !o.base[v + plane] { inner = true }
                            if inner { list.append(Int32(i + d.x * j)) }
                        }
                    }
                    borders[k] = list
                }
            }
            // Disc offsets (in-slice) for each slice distance.
            var discList: [[SIMD2<Int>]] = []
            for dz in 0...reach {
                let r2 = r * r - Double(dz * dz)
                var disc: [SIMD2<Int>] = []
                for dj in -reach...reach { for di in -reach...reach where Double(di * di + dj * dj) <= r2 { disc.append(SIMD2(di, dj)) } }
                discList.append(disc)
            }
            let discs = discList
            let skin = Tissue.skin.rawValue
            labels.voxels.withUnsafeMutableBufferPointer { l in
                let l = SharedVoxels(base: l.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: d.z) { k in
                    let slice = l.base + plane * k
                    for kk in max(0, k - reach)...min(d.z - 1, k + reach) {
                        let disc = discs[abs(kk - k)]
                        for b in borders[kk]! {
                            let i = Int(b) % d.x, j = Int(b) / d.x
                            for o in disc {
                                let ii = i + o.x, jj = j + o.y
                                guard ii >= 0, jj >= 0, ii < d.x, jj < d.y else { continue }
                                let label = slice[ii + d.x * jj]
                                if label != 0 && !Tissue.isBone(label) { slice[ii + d.x * jj] = skin }
                            }
                        }
                    }
                }
            }
        }
    }
}
