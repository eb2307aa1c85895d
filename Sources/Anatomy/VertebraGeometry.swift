/// Geometry measured from one voxelised vertebra: its own frame, canal, and landmarks.
///
/// Frame: `up` is the body's cranial axis (the minor principal axis of the body's voxels in the
/// sagittal plane), `posterior` is +y made perpendicular to it, lateral is world x. Local
/// coordinates are (l, a, h): lateral × side sign, along `posterior`, along `up`, from `bodyCentre`.
struct VertebraGeometry {
    struct SideGeometry {
        var pedicle: Vector3
        var superiorArticularProcess: Vector3
        var inferiorArticularProcess: Vector3
        var lamina: Vector3
        /// Unit vector from the superior to the inferior articular process.
        var parsAxis: Vector3
    }

    let level: SpinalLevel
    var bodyCentre: Vector3
    var up: Vector3
    var posterior: Vector3
    /// Centre of the vertebral foramen.
    var canalCentre: Vector3
    /// Canal bounds in local `a` (front = posterior body wall, back = anterior lamina surface).
    var canalFrontA: Double
    var canalBackA: Double
    var canalHalfWidthMm: Double
    var bodyHalfWidthMm: Double
    var spinousProcessTip: Vector3
    /// Planes fitted to the central parts of the endplates (normals point cranially).
    var superiorEndplate: Plane
    var inferiorEndplate: Plane
    var sides: [Side: SideGeometry] = [:]

    func local(_ p: Vector3, _ side: Side = .left) -> (l: Double, a: Double, h: Double) {
        let d = p - bodyCentre
        return (d.x * side.sign, d.dot(posterior), d.dot(up))
    }

    /// World point of the canal's back wall at the midline, at the canal centre's height.
    var canalBackPoint: Vector3 { bodyCentre + posterior * canalBackA + up * local(canalCentre).h }

    /// Measures a vertebra from its bone voxels (`label`) in `volume`; `mesh`, when the bone has one, places
    /// the spinous tip finer than the voxels. The midline is world x = 0 (a patient's CT is shifted so).
    static func measure(level: SpinalLevel, label: UInt8, volume: Volume<UInt8>, mesh: TriangleMesh?,
                        foramen: ForamenSearch = .enclosed) throws -> VertebraGeometry {
        let g = volume.grid
        let s = g.spacingMm
        guard let box = IndexBox.bounding(volume, where: { $0 == label }) else {
            throw AnatomyError.geometry(reason: "\(level.rawValue) has no voxels")
        }
        var points: [Vector3] = []
        for k in box.lower.z...box.upper.z {
            for j in box.lower.y...box.upper.y {
                for i in box.lower.x...box.upper.x where volume[i, j, k] == label { points.append(g.world(i, j, k)) }
            }
        }
        // BodyParts3D's L1 closes its bony ring over only ≈ 5.5 mm of height (measured); the mean-shape
        // vertebrae over more than 8 mm, which keeps stray enclosed pockets out.
        let canal: [Vector3]
        do {
            canal = switch foramen {
            case .enclosed: try canalVoxels(label: label, volume: volume, box: box, closedOverMm: level == .l1 ? 4 : 8)
            case .withinHull: try canalVoxelsWithinHull(label: label, volume: volume, box: box, closedOverMm: 8)
            }
        } catch AnatomyError.geometry(let reason) {
            throw AnatomyError.geometry(reason: "\(level.rawValue): \(reason)")
        }
        let canalCentre = canal.reduce(Vector3.zero, +) / Double(canal.count)
        let canalFrontY = canal.map(\.y).min()!

        // Body: bone in front of the canal. Its cranial axis bisects the normals of planes fitted to
        // the central parts of its two endplates.
        let body = points.filter { $0.y < canalFrontY - 0.5 && abs($0.x) < 30 }
        guard body.count > 100 else { throw AnatomyError.geometry(reason: "\(level.rawValue): no vertebral body found") }
        let c = body.reduce(Vector3.zero, +) / Double(body.count)
        let (top, bottom) = endplates(body, centre: c, spacing: s.x)
        var up = (top.normal + bottom.normal).normalized
        if up.z < 0 { up = -up }
        let posterior = Vector3(0, up.z, -up.y)   // +y made perpendicular to up, in the sagittal plane

        var geo = VertebraGeometry(
            level: level, bodyCentre: c, up: up, posterior: posterior, canalCentre: canalCentre,
            canalFrontA: 0, canalBackA: 0, canalHalfWidthMm: 0,
            bodyHalfWidthMm: body.map { abs($0.x - c.x) }.max()!, spinousProcessTip: c,
            superiorEndplate: top, inferiorEndplate: bottom)
        let canalA = canal.map { geo.local($0).a }
        geo.canalFrontA = canalA.min()!
        geo.canalBackA = canalA.max()!
        geo.canalHalfWidthMm = canal.map { abs($0.x - canalCentre.x) }.max()!

        // Spinous process tip: the most posterior mesh vertex (or bone voxel) near the midline.
        let nearMidline = (mesh.map { $0.vertices.map { Vector3($0) } } ?? points).filter { abs($0.x) < 8 }
        geo.spinousProcessTip = nearMidline.max { geo.local($0).a < geo.local($1).a } ?? c
        for side in Side.allCases {
            geo.sides[side] = try measureSide(side, geo: geo, points: points, foramen: foramen)
        }
        return geo
    }

    /// How the vertebral foramen is found in each axial slice.
    enum ForamenSearch {
        /// Background the bone encloses (a voxelised mesh: its ring is closed).
        case enclosed
        /// Background inside the convex hull of the slice's bone, the component that holds most of the
        /// midline (a segmentation mask from a 3 mm CT, whose thin pedicles and laminae leave the ring open).
        case withinHull
    }

    /// A plane through `centre` with unit `normal`.
    struct Plane {
        var centre: Vector3
        var normal: Vector3
    }

    /// Fits z = αx + βy + γ by least squares to the highest and lowest body bone of each vertical
    /// column within 12 × 10 mm of the body centre (clear of the rim), for the two endplates.
    static func endplates(_ body: [Vector3], centre c: Vector3, spacing: Double) -> (top: Plane, bottom: Plane) {
        var hi: [SIMD2<Int>: Double] = [:], lo: [SIMD2<Int>: Double] = [:]
        for p in body where abs(p.x - c.x) < 12 && abs(p.y - c.y) < 10 {
            let key = SIMD2(Int((p.x / spacing).rounded()), Int((p.y / spacing).rounded()))
            hi[key] = max(hi[key] ?? -.infinity, p.z)
            lo[key] = min(lo[key] ?? .infinity, p.z)
        }
        func fit(_ m: [SIMD2<Int>: Double]) -> Plane {
            // Normal equations in coordinates centred on c.
            var sxx = 0.0, sxy = 0.0, syy = 0.0, sx = 0.0, sy = 0.0, n = 0.0, sxz = 0.0, syz = 0.0, sz = 0.0
            // Sorted, so the sums (and every voxel decided from them) do not depend on hash order.
            for k in m.keys.sorted(by: { ($0.x, $0.y) < ($1.x, $1.y) }) {
                let z = m[k]!
                let x = Double(k.x) * spacing - c.x, y = Double(k.y) * spacing - c.y
                sxx += x * x; sxy += x * y; syy += y * y; sx += x; sy += y; n += 1
                sxz += x * z; syz += y * z; sz += z
            }
            // Solve [[sxx sxy sx][sxy syy sy][sx sy n]] (α β γ) = (sxz syz sz) by Cramer's rule.
            func det3(_ a: [Double]) -> Double {
                a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
            }
            let m0 = [sxx, sxy, sx, sxy, syy, sy, sx, sy, n]
            let d = det3(m0)
            guard abs(d) > 1e-9 else { return Plane(centre: c, normal: Vector3(0, 0, 1)) }
            let alpha = det3([sxz, sxy, sx, syz, syy, sy, sz, sy, n]) / d
            let beta = det3([sxx, sxz, sx, sxy, syz, sy, sx, sz, n]) / d
            let gamma = det3([sxx, sxy, sxz, sxy, syy, syz, sx, sy, sz]) / d
            return Plane(centre: Vector3(c.x, c.y, gamma), normal: Vector3(-alpha, -beta, 1).normalized)
        }
        return (fit(hi), fit(lo))
    }

    /// Voxels of the vertebral foramen: background enclosed by this bone in an axial slice, in
    /// columns where it stays enclosed through at least 8 mm of height. (A concave endplate's rim
    /// also encloses background, but only over a millimetre or two.)
    static func canalVoxels(label: UInt8, volume: Volume<UInt8>, box: IndexBox, closedOverMm: Double = 8) throws -> [Vector3] {
        let g = volume.grid
        let nx = box.size.x + 2, ny = box.size.y + 2
        var holes: [SIMD3<Int>] = []
        var holeCount = [Int](repeating: 0, count: nx * ny)
        var seen = [Bool](repeating: false, count: nx * ny)
        var stack: [Int] = []
        for k in box.lower.z...box.upper.z {
            // Slice with a one-voxel frame of background around the box.
            func isBone(_ i: Int, _ j: Int) -> Bool {
                let gi = box.lower.x + i - 1, gj = box.lower.y + j - 1
                return i > 0 && j > 0 && i < nx - 1 && j < ny - 1 && volume[gi, gj, k] == label
            }
            for q in 0..<seen.count { seen[q] = false }
            stack.append(0); seen[0] = true
            while let q = stack.popLast() {
                let i = q % nx, j = q / nx
                for (di, dj) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let ii = i + di, jj = j + dj
                    guard ii >= 0, jj >= 0, ii < nx, jj < ny else { continue }
                    let n = ii + nx * jj
                    if !seen[n] && !isBone(ii, jj) { seen[n] = true; stack.append(n) }
                }
            }
            for j in 1..<(ny - 1) {
                for i in 1..<(nx - 1) where !seen[i + nx * j] && !isBone(i, j) {
                    holes.append(SIMD3(i, j, k)); holeCount[i + nx * j] += 1
                }
            }
        }
        let minSlices = Int((closedOverMm / g.spacingMm.z).rounded(.up))
        let out = holes.filter { holeCount[$0.x + nx * $0.y] >= minSlices }
            .map { g.world(box.lower.x + $0.x - 1, box.lower.y + $0.y - 1, $0.z) }
        guard out.count > 50 else { throw AnatomyError.geometry(reason: "no closed vertebral foramen found") }
        return out
    }

    /// Voxels of the vertebral foramen in a mask whose ring may be open: in each axial slice, the background
    /// inside the convex hull of this bone's pixels, the 4-connected part of it with most pixels within 3 mm of
    /// the midline (x = 0), when that is a canal's worth of it, and of that only the pixels with this vertebra's
    /// posterior arch behind them (`posteriorArchCover`); kept in columns where it recurs through at least `closedOverMm` of height.
    static func canalVoxelsWithinHull(label: UInt8, volume: Volume<UInt8>, box: IndexBox, closedOverMm: Double) throws -> [Vector3] {
        let g = volume.grid, nx = box.size.x, ny = box.size.y, nz = box.size.z
        var holes: [SIMD3<Int>] = []
        var holeCount = [Int](repeating: 0, count: nx * ny)
        let arch = posteriorArchCover(label: label, volume: volume, box: box)
        for k in box.lower.z...box.upper.z {
            var bone: [SIMD2<Int>] = []
            var isBone = [Bool](repeating: false, count: nx * ny)
            for j in 0..<ny {
                for i in 0..<nx where volume[box.lower.x + i, box.lower.y + j, k] == label {
                    bone.append(SIMD2(i, j)); isBone[i + nx * j] = true
                }
            }
            let hull = ConvexHull2D.of(bone)
            guard hull.count >= 3 else { continue }
            var inside = [Bool](repeating: false, count: nx * ny)
            for j in 0..<ny { for i in 0..<nx where !isBone[i + nx * j] && ConvexHull2D.contains(hull, SIMD2(i, j)) { inside[i + nx * j] = true } }
            // 4-connected components of the hull's background; keep the one with most midline pixels.
            var component = [Int](repeating: -1, count: nx * ny), best = (id: -1, midline: 0), next = 0, stack: [Int] = []
            for seed in 0..<(nx * ny) where inside[seed] && component[seed] < 0 {
                var midline = 0
                component[seed] = next; stack.append(seed)
                while let q = stack.popLast() {
                    let i = q % nx, j = q / nx
                    if abs(g.world(box.lower.x + i, box.lower.y + j, k).x) < 3 { midline += 1 }
                    for (di, dj) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                        let ii = i + di, jj = j + dj
                        guard ii >= 0, jj >= 0, ii < nx, jj < ny else { continue }
                        let n = ii + nx * jj
                        if inside[n] && component[n] < 0 { component[n] = next; stack.append(n) }
                    }
                }
                if midline > best.midline { best = (next, midline) }
                next += 1
            }
            // A canal crosses the midline over ≥ 40 mm² (≈ 6 × 7 mm; chosen — the canal is ≈ 15 × 25 mm): the
            // notches beside a spinous process, which the hull also closes, stay below it.
            guard best.id >= 0, Double(best.midline) * g.spacingMm.x * g.spacingMm.y >= 40 else { continue }
            let dk = Int((archCoverHeightMm / g.spacingMm.z).rounded()), kk = k - box.lower.z
            for q in 0..<(nx * ny) where component[q] == best.id
                && (max(0, kk - dk)...min(nz - 1, kk + dk)).contains(where: { arch[q + nx * ny * $0] }) {
                holes.append(SIMD3(q % nx, q / nx, k)); holeCount[q] += 1
            }
        }
        let minSlices = Int((closedOverMm / g.spacingMm.z).rounded(.up))
        let out = holes.filter { holeCount[$0.x + nx * $0.y] >= minSlices }.map { g.world(box.lower.x + $0.x, box.lower.y + $0.y, $0.z) }
        guard out.count > 50 else { throw AnatomyError.geometry(reason: "no vertebral foramen found within the hull of the bone") }
        return out
    }

    /// How far behind a canal pixel the posterior arch may lie, and how far above or below, mm (chosen: the
    /// lumbar canal is ≈ 15–20 mm deep; 4 mm bridges the slices where a 3 mm mask's arch is missing).
    static let archCoverDepthMm = 20.0, archCoverHeightMm = 4.0

    /// For each voxel of `box` (x fastest, box-relative): whether bone of `label` lies behind it (posterior,
    /// +y) within `archCoverDepthMm` in its axial slice. The canal has the posterior arch behind it; the
    /// notches behind a pars or beside a lamina, which the hull also closes and an open ring joins to the
    /// canal, have only muscle behind them.
    static func posteriorArchCover(label: UInt8, volume: Volume<UInt8>, box: IndexBox) -> [Bool] {
        let g = volume.grid, nx = box.size.x, ny = box.size.y, nz = box.size.z
        let posteriorStep = g.world(0, 1, 0).y > g.world(0, 0, 0).y ? 1 : -1
        let reach = Int((archCoverDepthMm / g.spacingMm.y).rounded())
        var cover = [Bool](repeating: false, count: nx * ny * nz)
        for k in 0..<nz {
            for i in 0..<nx {
                // Walking toward the front, the distance back to the nearest bone seen so far.
                var sinceBone = Int.max
                for n in 0..<ny {
                    let j = posteriorStep > 0 ? ny - 1 - n : n
                    if sinceBone < Int.max { sinceBone += 1 }
                    cover[i + nx * (j + ny * k)] = sinceBone <= reach
                    if volume[box.lower.x + i, box.lower.y + j, box.lower.z + k] == label { sinceBone = 0 }
                }
            }
        }
        return cover
    }

    static func measureSide(_ side: Side, geo: VertebraGeometry, points: [Vector3], foramen: ForamenSearch) throws -> SideGeometry {
        let canalCentreA = geo.local(geo.canalCentre).a
        let name = "\(geo.level.rawValue) \(side.rawValue)"
        func centroid(_ ps: [Vector3], _ what: String) throws -> Vector3 {
            guard !ps.isEmpty else { throw AnatomyError.geometry(reason: "\(name): no bone found for the \(what)") }
            return ps.reduce(Vector3.zero, +) / Double(ps.count)
        }
        // Posterolateral bone: the articular pillar on this side.
        let pillar = points.filter { let q = geo.local($0, side); return q.l > 6 && q.l < 32 && q.a > canalCentreA }
        guard let hMax = pillar.map({ geo.local($0).h }).max(), let hMin = pillar.map({ geo.local($0).h }).min() else {
            throw AnatomyError.geometry(reason: "\(name): no articular pillar found")
        }
        let sap = try centroid(pillar.filter { geo.local($0).h > hMax - 8 }, "superior articular process")
        let iap = try centroid(pillar.filter { geo.local($0).h < hMin + 8 }, "inferior articular process")
        let pedicle = try centroid(points.filter {
            let q = geo.local($0, side)
            return q.a > geo.canalFrontA && q.a < canalCentreA && q.l > geo.canalHalfWidthMm - 3 && q.l < geo.canalHalfWidthMm + 12
                && abs(q.h - geo.local(geo.canalCentre).h) < 8
        }, "pedicle")
        // The lamina: bone within 10 mm behind the canal's back. A mask's canal (its ring open,
        // `ForamenSearch.withinHull`) can reach past the lamina: there, bone from 20 mm before the canal's back to
        // 10 mm behind it and below the canal's centre (above it lie the superior articular processes).
        func laminaBone(from: Double, belowMm: Double) -> [Vector3] {
            points.filter {
                let q = geo.local($0, side)
                return q.a > geo.canalBackA + from && q.a < geo.canalBackA + 10 && q.l > 3 && q.l < geo.canalHalfWidthMm - 2 && q.h < belowMm
            }
        }
        let laminaPoints = switch foramen {
        case .enclosed: laminaBone(from: 0, belowMm: .infinity)
        case .withinHull: laminaBone(from: -20, belowMm: geo.local(geo.canalCentre).h)
        }
        let lamina = try centroid(laminaPoints,
                                  String(format: "lamina (near the canal's back at %.1f mm, within %.1f mm of the midline)", geo.canalBackA, geo.canalHalfWidthMm - 2))

        let axis = (iap - sap).normalized
        return SideGeometry(pedicle: pedicle, superiorArticularProcess: sap, inferiorArticularProcess: iap,
                            lamina: lamina, parsAxis: axis)
    }
}

extension VertebraGeometry {
    /// Measures `mesh` voxelised alone on a 1 mm grid (for placing neighbours before any phantom grid exists).
    static func measuredAt1mm(level: SpinalLevel, mesh: TriangleMesh) throws -> VertebraGeometry {
        guard let b = mesh.bounds else { throw AnatomyError.geometry(reason: "\(level.rawValue) mesh is empty") }
        let grid = try Grid(dimensions: SIMD3(Int(b.max.x - b.min.x) + 7, Int(b.max.y - b.min.y) + 7, Int(b.max.z - b.min.z) + 7),
                            spacingMm: Vector3(1, 1, 1), originMm: (Vector3(b.min) - 3).rounded(.down))
        var volume = Volume<UInt8>(grid: grid, repeating: 0)
        MeshVoxelizer.fill(mesh, into: &volume, label: level.tissue.rawValue)
        return try measure(level: level, label: level.tissue.rawValue, volume: volume, mesh: mesh)
    }
}
