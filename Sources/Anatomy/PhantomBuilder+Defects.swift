import Foundation

/// Pars defects.
extension PhantomBuilder {
    /// Cuts each defect as a cleft of label 109 across the pars.
    ///
    /// KNOWN GAP: the cleft is meant to free the posterior arch (two 26-connected pieces with bilateral
    /// defects); with the mean shape the arch still joins the body elsewhere, so `<level>.bonePieces` in
    /// the measurements reports what was achieved. See the issue note.
    ///
    /// Geodesic distances through the vertebra's bone are measured from its body (dA) and from its
    /// spinous-process tip (dP). Every bony path from body to arch passes through all values of
    /// dA − dP, so the band of voxels on the defect's side where dA − dP lies within a half-width of
    /// its value at the pars landmark is crossed by every such path: two cut sides free the arch; one
    /// leaves the vertebra whole. The band follows the bone's own narrowest bridge at the pars, and is
    /// tilted by the defect's obliquity (adding 2·tan(obliquity)·height to dA − dP). Its half-width is
    /// the gap (dA − dP changes by about 2 per millimetre along the bridge, so the cleft is ≈ the gap
    /// wide), and at least wide enough that no 26-neighbour step can jump over it.
    mutating func cutDefects() throws {
        for level in Set(options.defects.map(\.level)).sorted() {
            let defects = options.defects.filter { $0.level == level }
            guard let g = geo[level], let tight = IndexBox.boundingEach(spine)[Int(level.tissue.rawValue)] else {
                throw AnatomyError.geometry(reason: "\(level.rawValue) is missing")
            }
            let label = level.tissue.rawValue
            let region = tight.expanded(by: 1, within: grid)
            var isBone = [Bool](repeating: false, count: region.count)
            var fromBody: [Int] = [], fromArch: [Int] = []
            var n = 0
            forEachVoxel(in: region) { lin, p in
                defer { n += 1 }
                guard spine.voxels[lin] == label else { return }
                isBone[n] = true
                if g.local(p).a < g.canalFrontA - 1 { fromBody.append(n) }
                if (p - g.spinousProcessTip).length < 8 { fromArch.append(n) }
            }
            let dA = Geodesic.distancesMm(inside: isBone, size: region.size, spacingMm: h, seeds: fromBody)
            let dP = Geodesic.distancesMm(inside: isBone, size: region.size, spacingMm: h, seeds: fromArch)
            for defect in defects {
                let name = Subject.parsLandmarkName(level: level, side: defect.side)
                guard let pars = landmarks[name], let q = grid.nearestIndex(toWorld: pars) else {
                    throw AnatomyError.geometry(reason: "no pars found for defect \(defect.name)")
                }
                let qi = (q.x - region.lower.x) + region.size.x * ((q.y - region.lower.y) + region.size.y * (q.z - region.lower.z))
                guard isBone[qi], dA[qi].isFinite, dP[qi].isFinite else {
                    throw AnatomyError.geometry(reason: "defect \(defect.name): the pars landmark is not on a path from body to arch")
                }
                let slope = 2 * tan(defect.obliquity.radians)
                let level0 = Double(dA[qi] - dP[qi])
                let halfWidth = max(defect.gapMm, (2 + abs(slope)) * 3.0.squareRoot() * h / 2 + 0.01)
                let radiusMm = 9.0
                // The band on this side, split into 26-connected pieces.
                var band = [Bool](repeating: false, count: region.count)
                var halfBone = [Bool](repeating: false, count: region.count)
                n = 0
                forEachVoxel(in: region) { _, p in
                    defer { n += 1 }
                    guard isBone[n], p.x * defect.side.sign > -2 else { return }
                    halfBone[n] = true
                    guard p.x * defect.side.sign > 0, (p - pars).length <= radiusMm, dA[n].isFinite, dP[n].isFinite else { return }
                    let value = Double(dA[n] - dP[n]) + slope * (p - pars).dot(g.up)
                    band[n] = abs(value - level0) <= halfWidth
                }
                let pieces = Self.components(of: band, size: region.size)
                    .sorted { Self.distance(from: qi, to: $0, size: region.size) < Self.distance(from: qi, to: $1, size: region.size) }
                // Take the pieces nearest the pars until this side's half no longer joins body to arch.
                var chosen: [Int] = []
                for piece in pieces where Self.distance(from: qi, to: piece, size: region.size) * h < 20 {
                    chosen += piece
                    for c in piece { halfBone[c] = false }
                    if !Self.connects(halfBone, size: region.size, from: fromBody, to: fromArch) { break }
                }
                for c in chosen {
                    let i = c % region.size.x, j = (c / region.size.x) % region.size.y, k = c / (region.size.x * region.size.y)
                    spine[region.lower.x + i, region.lower.y + j, region.lower.z + k] = Tissue.parsDefect.rawValue
                }
                let cut = chosen.count
                measurements["\(defect.name).defectVolumeMm3"] = Double(cut) * h * h * h
            }
            // Known gap (issue 2): the cleft does not yet always free the arch; the count is reported.
            measurements["\(level.rawValue).bonePieces"] = Double(ConnectedComponents.sizes(of: spine) { $0 == label }.count)
        }
    }

    /// The 26-connected components of a voxel set in a box, as lists of box indices.
    static func components(of set: [Bool], size: SIMD3<Int>) -> [[Int]] {
        var seen = set.map { !$0 }
        var out: [[Int]] = []
        for s in 0..<set.count where !seen[s] {
            var piece: [Int] = [], stack = [s]
            seen[s] = true
            while let c = stack.popLast() {
                piece.append(c)
                forEachNeighbour(c, size) { q in if !seen[q] { seen[q] = true; stack.append(q) } }
            }
            out.append(piece)
        }
        return out
    }

    /// True when a 26-connected path inside `set` joins any voxel of `from` to any of `to`.
    static func connects(_ set: [Bool], size: SIMD3<Int>, from: [Int], to: [Int]) -> Bool {
        var seen = [Bool](repeating: false, count: set.count)
        var stack = from.filter { set[$0] }
        for s in stack { seen[s] = true }
        let target = Set(to)
        while let c = stack.popLast() {
            if target.contains(c) { return true }
            forEachNeighbour(c, size) { q in if set[q] && !seen[q] { seen[q] = true; stack.append(q) } }
        }
        return false
    }

    /// Smallest voxel-step distance (Chebyshev) from box index `a` to a piece.
    static func distance(from a: Int, to piece: [Int], size: SIMD3<Int>) -> Double {
        let p = SIMD3(a % size.x, (a / size.x) % size.y, a / (size.x * size.y))
        var best = Int.max
        for c in piece {
            let q = SIMD3(c % size.x, (c / size.x) % size.y, c / (size.x * size.y))
            let d = q &- p
            best = min(best, max(abs(d.x), abs(d.y), abs(d.z)))
        }
        return Double(best)
    }

    static func forEachNeighbour(_ c: Int, _ size: SIMD3<Int>, _ body: (Int) -> Void) {
        let i = c % size.x, j = (c / size.x) % size.y, k = c / (size.x * size.y)
        for dk in -1...1 { for dj in -1...1 { for di in -1...1 where (di, dj, dk) != (0, 0, 0) {
            let ii = i + di, jj = j + dj, kk = k + dk
            guard ii >= 0, jj >= 0, kk >= 0, ii < size.x, jj < size.y, kk < size.z else { continue }
            body(ii + size.x * (jj + size.y * kk))
        } } }
    }
}
