extension PatientCTResampler {
    /// Reads the CT and the masks through raw pointers (the hot loop of `resample`).
    struct Sampler: Sendable {
        let ct: SharedReadOnly<Float>, outside: SharedReadOnly<Bool>, masks: SharedReadOnly<UInt8>
        let ctDimensions: SIMD3<Int>, maskDimensions: SIMD3<Int>

        /// The lower corner and fractions of trilinear interpolation at continuous index `c`, or nil outside
        /// the grid of dimensions `d` (a point less than one voxel outside still blends its edge voxels).
        @inline(__always) static func cell(_ c: Vector3, _ d: SIMD3<Int>) -> (SIMD3<Int>, Vector3)? {
            guard c.x > -1, c.y > -1, c.z > -1, c.x < Double(d.x), c.y < Double(d.y), c.z < Double(d.z) else { return nil }
            // c + 1 > 0, so truncation is the floor (no libm call).
            let i0 = SIMD3(Int(c.x + 1) - 1, Int(c.y + 1) - 1, Int(c.z + 1) - 1)
            return (i0, c - Vector3(Double(i0.x), Double(i0.y), Double(i0.z)))
        }

        /// The CT's trilinear value at continuous index `c` (−1000 HU outside the scan), and whether any or all
        /// of the eight voxels it blends lie outside the body (all: the table or air, whatever the value).
        @inline(__always) func hounsfield(atIndex c: Vector3) -> (hu: Float, near: Bool, all: Bool) {
            let d = ctDimensions
            guard let (i0, f) = Self.cell(c, d) else { return (-1000, true, true) }
            var sum = 0.0, near = false, all = true
            for corner in 0..<8 {
                let di = corner & 1, dj = (corner >> 1) & 1, dk = corner >> 2
                let w = (di == 0 ? 1 - f.x : f.x) * (dj == 0 ? 1 - f.y : f.y) * (dk == 0 ? 1 - f.z : f.z)
                guard w > 0 else { continue }
                let i = i0.x + di, j = i0.y + dj, k = i0.z + dk
                guard i >= 0, j >= 0, k >= 0, i < d.x, j < d.y, k < d.z else { sum -= 1000 * w; near = true; continue }
                let v = i + d.x * (j + d.y * k)
                sum += w * Double(ct.base[v])
                if outside.base[v] { near = true } else { all = false }
            }
            return (Float(sum), near, all)
        }

        /// One source row of the CT blended across its neighbours in j and k, padded by one voxel of air at
        /// each end: `sample` then interpolates along i only.
        struct CTRow {
            var hu: [Float], near: [Bool], all: [Bool]
            init(count: Int) { hu = .init(repeating: -1000, count: count + 2); near = .init(repeating: true, count: count + 2); all = near }

            @inline(__always) func sample(_ x: Double) -> (hu: Float, near: Bool, all: Bool) {
                let n = hu.count - 2
                guard x > -1, x < Double(n) else { return (-1000, true, true) }
                let i0 = Int(x + 1) - 1, f = Float(x - Double(i0)), a = i0 + 1
                return (hu[a] * (1 - f) + hu[a + 1] * f, (f < 1 && near[a]) || (f > 0 && near[a + 1]),
                        (f == 1 || all[a]) && (f == 0 || all[a + 1]))
            }
        }

        /// Blends the CT's source row at continuous (j, k) into `row`, as `hounsfield` blends its eight voxels.
        func fill(_ row: inout CTRow, j cj: Double, k ck: Double) {
            let d = ctDimensions, n = d.x
            guard cj > -1, ck > -1, cj < Double(d.y), ck < Double(d.z) else {
                for x in 1...n { row.hu[x] = -1000; row.near[x] = true; row.all[x] = true }
                return
            }
            let j0 = Int(cj + 1) - 1, k0 = Int(ck + 1) - 1, fy = cj - Double(j0), fz = ck - Double(k0)
            for x in 0..<n {
                var sum = 0.0, near = false, all = true
                for corner in 0..<4 {
                    let dj = corner & 1, dk = corner >> 1
                    let w = (dj == 0 ? 1 - fy : fy) * (dk == 0 ? 1 - fz : fz)
                    guard w > 0 else { continue }
                    let j = j0 + dj, k = k0 + dk
                    guard j >= 0, k >= 0, j < d.y, k < d.z else { sum -= 1000 * w; near = true; continue }
                    let v = x + d.x * (j + d.y * k)
                    sum += w * Double(ct.base[v])
                    if outside.base[v] { near = true } else { all = false }
                }
                row.hu[x + 1] = Float(sum); row.near[x + 1] = near; row.all[x + 1] = all
            }
        }

        /// One source row of the masks: each column's four labels across j and k with their weights, and the
        /// column's label when all four agree (`mixed` otherwise); padded with background at each end.
        struct MaskRow {
            static let mixed: UInt16 = 256
            var uniform: [UInt16], labels: [SIMD4<UInt8>], weights = SIMD4<Double>()
            init(count: Int) { uniform = .init(repeating: 0, count: count + 2); labels = .init(repeating: .zero, count: count + 2) }

            @inline(__always) func sample(_ x: Double) -> UInt8 {
                let n = uniform.count - 2
                guard x > -1, x < Double(n) else { return 0 }
                let i0 = Int(x + 1) - 1, f = x - Double(i0), a = i0 + 1
                if uniform[a] == uniform[a + 1], uniform[a] != Self.mixed { return UInt8(uniform[a]) }
                var found = SIMD8<UInt8>(), w = SIMD8<Double>(), count = 0
                for column in 0..<2 {
                    let wx = column == 0 ? 1 - f : f
                    for c in 0..<4 {
                        let label = labels[a + column][c]
                        var slot = 0
                        while slot < count && found[slot] != label { slot += 1 }
                        if slot == count { found[count] = label; count += 1 }
                        w[slot] += wx * weights[c]
                    }
                }
                var best = 0
                for s in 1..<count where w[s] > w[best] { best = s }
                return found[best]
            }
        }

        /// Reads the masks' source row at continuous (j, k) into `row`.
        func fill(_ row: inout MaskRow, j cj: Double, k ck: Double) {
            let d = maskDimensions, n = d.x
            guard cj > -1, ck > -1, cj < Double(d.y), ck < Double(d.z) else {
                for x in 1...n { row.uniform[x] = 0; row.labels[x] = .zero }
                return
            }
            let j0 = Int(cj + 1) - 1, k0 = Int(ck + 1) - 1, fy = cj - Double(j0), fz = ck - Double(k0)
            for c in 0..<4 { row.weights[c] = (c & 1 == 0 ? 1 - fy : fy) * (c >> 1 == 0 ? 1 - fz : fz) }
            for x in 0..<n {
                var four = SIMD4<UInt8>()
                for c in 0..<4 {
                    let j = j0 + (c & 1), k = k0 + (c >> 1)
                    four[c] = j >= 0 && k >= 0 && j < d.y && k < d.z ? masks.base[x + d.x * (j + d.y * k)] : 0
                }
                row.labels[x + 1] = four
                row.uniform[x + 1] = four[0] == four[1] && four[0] == four[2] && four[0] == four[3] ? UInt16(four[0]) : MaskRow.mixed
            }
        }

        /// The mask label of largest trilinear weight at continuous index `c` (0 outside the masks' grid).
        @inline(__always) func maskLabel(atIndex c: Vector3) -> UInt8 {
            let d = maskDimensions
            guard let (i0, f) = Self.cell(c, d) else { return 0 }
            // Inside one label's block (most voxels): that label.
            if i0.x >= 0, i0.y >= 0, i0.z >= 0, i0.x + 1 < d.x, i0.y + 1 < d.y, i0.z + 1 < d.z {
                let v = i0.x + d.x * (i0.y + d.y * i0.z), sy = d.x, sz = d.x * d.y
                let a = masks.base[v]
                if masks.base[v + 1] == a, masks.base[v + sy] == a, masks.base[v + 1 + sy] == a, masks.base[v + sz] == a,
                   masks.base[v + sz + 1] == a, masks.base[v + sz + sy] == a, masks.base[v + sz + 1 + sy] == a { return a }
            }
            var labels = SIMD8<UInt8>(), weights = SIMD8<Double>(), n = 0
            for corner in 0..<8 {
                let di = corner & 1, dj = (corner >> 1) & 1, dk = corner >> 2
                let w = (di == 0 ? 1 - f.x : f.x) * (dj == 0 ? 1 - f.y : f.y) * (dk == 0 ? 1 - f.z : f.z)
                let i = i0.x + di, j = i0.y + dj, k = i0.z + dk
                let label: UInt8 = i >= 0 && j >= 0 && k >= 0 && i < d.x && j < d.y && k < d.z ? masks.base[i + d.x * (j + d.y * k)] : 0
                var slot = 0
                while slot < n && labels[slot] != label { slot += 1 }
                if slot == n { labels[n] = label; n += 1 }
                weights[slot] += w
            }
            var best = 0
            for s in 1..<n where weights[s] > weights[best] { best = s }
            return labels[best]
        }
    }
}
