import Foundation

extension PatientCTResampler {
    /// The subject's voxels: labels, Hounsfield units, and which air voxels lie outside the body.
    struct Sampled {
        var labels: Volume<UInt8>
        var hounsfield: Volume<Int16>
        var outside: [Bool]

        /// Splits the CT's fat (all labelled subcutaneous by `classify`) at the body wall, slice by axial slice.
        /// The wall is the body's tissue other than skin, fat and the air outside, plus the fat-range voxels
        /// above `wallHU` in cells farther than `skinMarginMm` from the skin's: the abdominal wall's thin muscles and
        /// fasciae, which the scan's voxels blur with the fat around them (the linea alba of a 3 mm scan reads
        /// −50 HU). On cells of about `cellMm`, its pieces of `wallPieceMm2` or more (`largePieces`) are closed
        /// by `closingMm` so the gaps between its muscles close; the fat the closed wall encloses — visceral,
        /// retroperitoneal, intermuscular — becomes `Tissue.deepFat`, the fat outside it stays subcutaneous.
        /// All five values are chosen. Slices run in parallel, each writing only its own voxels.
        mutating func separateDeepFat(cellMm: Double = 2, closingMm: Double = 6, wallPieceMm2: Double = 400,
                                      wallHU: Int16 = -70, skinMarginMm: Double = 4) {
            let g = labels.grid, d = g.dimensions, plane = d.x * d.y, h = g.spacingMm.x
            let f = max(1, Int((cellMm / h).rounded()))
            let minimumCells = Int(wallPieceMm2 / (Double(f) * h * Double(f) * h))
            let cx = (d.x + f - 1) / f, cy = (d.y + f - 1) / f, radius = max(1, Int((closingMm / (Double(f) * h)).rounded()))
            let margin = max(1, Int((skinMarginMm / (Double(f) * h)).rounded()))
            let cellOfColumn = (0..<d.x).map { $0 / f }
            let fat = Tissue.subcutaneousFat.rawValue, skin = Tissue.skin.rawValue, deep = Tissue.deepFat.rawValue
            outside.withUnsafeBufferPointer { o in
                hounsfield.voxels.withUnsafeBufferPointer { hu in
                    let o = SharedReadOnly(base: o.baseAddress!), hu = SharedReadOnly(base: hu.baseAddress!)
                    labels.voxels.withUnsafeMutableBufferPointer { l in
                        let l = SharedVoxels(base: l.baseAddress!)
                        DispatchQueue.concurrentPerform(iterations: d.z) { k in
                            let slice = l.base + plane * k, out = o.base + plane * k, values = hu.base + plane * k
                            // Cells with skin, and the cells within `margin` of them: there fat-range voxels are
                            // the skin's partial volume with fat, never wall.
                            var skinCells = [Bool](repeating: false, count: cx * cy), wall = skinCells
                            for j in 0..<d.y {
                                let row = cx * (j / f)
                                for i in 0..<d.x where slice[i + d.x * j] == skin { skinCells[row + cellOfColumn[i]] = true }
                            }
                            let nearSkin = Self.square(skinCells, width: cx, height: cy, radius: margin, dilate: true)
                            for j in 0..<d.y {
                                let row = cx * (j / f)
                                for i in 0..<d.x {
                                    let v = i + d.x * j, label = slice[v], c = row + cellOfColumn[i]
                                    let isWall = label == fat ? values[v] > wallHU && !nearSkin[c] : label != skin && !(label == 0 && out[v])
                                    if isWall { wall[c] = true }
                                }
                            }
                            let pieces = Self.largePieces(of: wall, width: cx, height: cy, minimumCells: minimumCells)
                            let closed = Self.square(Self.square(pieces, width: cx, height: cy, radius: radius, dilate: true),
                                                     width: cx, height: cy, radius: radius, dilate: false)
                            // The outside of the closed wall: reached from the slice's border through cells not in it.
                            var reached = [Bool](repeating: false, count: cx * cy), stack: [Int] = []
                            for c in 0..<(cx * cy) where !closed[c] && (c % cx == 0 || c % cx == cx - 1 || c / cx == 0 || c / cx == cy - 1) {
                                reached[c] = true; stack.append(c)
                            }
                            func visit(_ n: Int) { if !reached[n] && !closed[n] { reached[n] = true; stack.append(n) } }
                            while let c = stack.popLast() {
                                let i = c % cx, j = c / cx
                                if i > 0 { visit(c - 1) }
                                if i < cx - 1 { visit(c + 1) }
                                if j > 0 { visit(c - cx) }
                                if j < cy - 1 { visit(c + cx) }
                            }
                            for j in 0..<d.y {
                                let row = cx * (j / f)
                                for i in 0..<d.x where slice[i + d.x * j] == fat && !reached[row + cellOfColumn[i]] { slice[i + d.x * j] = deep }
                            }
                        }
                    }
                }
            }
        }

        /// The mask's 8-connected pieces of at least `minimumCells` cells or a tenth of the largest one's:
        /// the wall's muscles and the organs against them, without the vessels and fascial strands inside the
        /// subcutaneous fat, which a closing would join into pockets.
        static func largePieces(of mask: [Bool], width: Int, height: Int, minimumCells: Int) -> [Bool] {
            var piece = [Int32](repeating: 0, count: mask.count), sizes: [Int] = [0], stack: [Int] = []
            for start in 0..<mask.count where mask[start] && piece[start] == 0 {
                let id = Int32(sizes.count)
                var size = 0
                piece[start] = id; stack.append(start)
                while let c = stack.popLast() {
                    size += 1
                    let i = c % width, j = c / width
                    for dj in -1...1 { for di in -1...1 where di != 0 || dj != 0 {
                        let ii = i + di, jj = j + dj
                        guard ii >= 0, jj >= 0, ii < width, jj < height else { continue }
                        let n = ii + width * jj
                        if mask[n] && piece[n] == 0 { piece[n] = id; stack.append(n) }
                    } }
                }
                sizes.append(size)
            }
            let keep = max(1, min(minimumCells, (sizes.max() ?? 0) / 10))
            return piece.map { $0 > 0 && sizes[Int($0)] >= keep }
        }

        /// A 2-D mask (x fastest) dilated (any) or eroded (all) by a square of half-side `radius` cells, by
        /// running counts along x, then along y; the border counts as outside the mask.
        static func square(_ mask: [Bool], width: Int, height: Int, radius: Int, dilate: Bool) -> [Bool] {
            var a = [Bool](repeating: false, count: mask.count), b = a
            var run = [Int](repeating: 0, count: max(width, height) + 1)
            func decide(_ count: Int, _ lo: Int, _ hi: Int, _ n: Int) -> Bool {
                dilate ? count > 0 : (lo >= 0 && hi < n && count == hi - lo + 1)
            }
            for j in 0..<height {
                for i in 0..<width { run[i + 1] = run[i] + (mask[i + width * j] ? 1 : 0) }
                for i in 0..<width {
                    let lo = i - radius, hi = i + radius
                    a[i + width * j] = decide(run[min(width, hi + 1)] - run[max(0, lo)], lo, hi, width)
                }
            }
            for i in 0..<width {
                for j in 0..<height { run[j + 1] = run[j] + (a[i + width * j] ? 1 : 0) }
                for j in 0..<height {
                    let lo = j - radius, hi = j + radius
                    b[i + width * j] = decide(run[min(height, hi + 1)] - run[max(0, lo)], lo, hi, height)
                }
            }
            return b
        }

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
