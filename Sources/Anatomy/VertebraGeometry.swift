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
        var pars: Vector3
        /// Unit vector from the superior to the inferior articular process.
        var parsAxis: Vector3
        /// Cross-section of bone at the pars, mm².
        var parsAreaMm2: Double
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
    var sides: [Side: SideGeometry] = [:]

    func local(_ p: Vector3, _ side: Side = .left) -> (l: Double, a: Double, h: Double) {
        let d = p - bodyCentre
        return (d.x * side.sign, d.dot(posterior), d.dot(up))
    }

    /// World point of the canal's back wall at the midline, at the canal centre's height.
    var canalBackPoint: Vector3 { bodyCentre + posterior * canalBackA + up * local(canalCentre).h }

    /// Measures a vertebra from its bone voxels (`label`) in `volume`.
    static func measure(level: SpinalLevel, label: UInt8, volume: Volume<UInt8>, mesh: TriangleMesh) throws -> VertebraGeometry {
        let g = volume.grid
        let s = g.spacingMm
        let voxelMm3 = s.x * s.y * s.z
        guard let box = IndexBox.bounding(volume, where: { $0 == label }) else {
            throw AnatomyError.geometry(reason: "\(level.rawValue) has no voxels")
        }
        var points: [Vector3] = []
        for k in box.lower.z...box.upper.z {
            for j in box.lower.y...box.upper.y {
                for i in box.lower.x...box.upper.x where volume[i, j, k] == label { points.append(g.world(i, j, k)) }
            }
        }
        let canal = try canalVoxels(label: label, volume: volume, box: box)
        let canalCentre = canal.reduce(Vector3.zero, +) / Double(canal.count)
        let canalFrontY = canal.map(\.y).min()!

        // Body: bone in front of the canal. Its sagittal minor axis is the cranial axis.
        let body = points.filter { $0.y < canalFrontY - 0.5 && abs($0.x) < 30 }
        guard body.count > 100 else { throw AnatomyError.geometry(reason: "\(level.rawValue): no vertebral body found") }
        let c = body.reduce(Vector3.zero, +) / Double(body.count)
        var syy = 0.0, szz = 0.0, syz = 0.0
        for p in body { let d = p - c; syy += d.y * d.y; szz += d.z * d.z; syz += d.y * d.z }
        // Eigenvector of the smaller eigenvalue of [[syy, syz], [syz, szz]].
        let tr = syy + szz, det = syy * szz - syz * syz
        let lMin = tr / 2 - ((tr * tr / 4 - det).squareRoot())
        var up = abs(syz) > 1e-9 ? Vector3(0, syz, lMin - syy) : (syy < szz ? Vector3(0, 1, 0) : Vector3(0, 0, 1))
        up = up.normalized
        if up.z < 0 { up = -up }
        let posterior = Vector3(0, up.z, -up.y)   // +y made perpendicular to up, in the sagittal plane

        var geo = VertebraGeometry(
            level: level, bodyCentre: c, up: up, posterior: posterior, canalCentre: canalCentre,
            canalFrontA: 0, canalBackA: 0, canalHalfWidthMm: 0,
            bodyHalfWidthMm: body.map { abs($0.x - c.x) }.max()!, spinousProcessTip: c)
        let canalA = canal.map { geo.local($0).a }
        geo.canalFrontA = canalA.min()!
        geo.canalBackA = canalA.max()!
        geo.canalHalfWidthMm = canal.map { abs($0.x - canalCentre.x) }.max()!

        // Spinous process tip: the most posterior mesh vertex near the midline (finer than voxels).
        let nearMidline = mesh.vertices.map { Vector3($0) }.filter { abs($0.x) < 8 }
        geo.spinousProcessTip = nearMidline.max { geo.local($0).a < geo.local($1).a } ?? c
        for side in Side.allCases {
            geo.sides[side] = try measureSide(side, geo: geo, points: points, voxelMm3: voxelMm3)
        }
        return geo
    }

    /// Voxels of the vertebral foramen: in each axial slice, background enclosed by this bone.
    static func canalVoxels(label: UInt8, volume: Volume<UInt8>, box: IndexBox) throws -> [Vector3] {
        let g = volume.grid
        let nx = box.size.x + 2, ny = box.size.y + 2
        var out: [Vector3] = []
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
                    let p = g.world(box.lower.x + i - 1, box.lower.y + j - 1, k)
                    if abs(p.x) < 20 { out.append(p) }
                }
            }
        }
        guard out.count > 50 else { throw AnatomyError.geometry(reason: "no closed vertebral foramen found") }
        return out
    }

    static func measureSide(_ side: Side, geo: VertebraGeometry, points: [Vector3], voxelMm3: Double) throws -> SideGeometry {
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
        let lamina = try centroid(points.filter {
            let q = geo.local($0, side)
            return q.a > geo.canalBackA && q.a < geo.canalBackA + 10 && q.l > 3 && q.l < geo.canalHalfWidthMm - 2
        }, "lamina")

        // Pars: the narrowest cross-section of bone along the SAP→IAP axis, within 9 mm of it.
        let axis = (iap - sap).normalized
        let length = (iap - sap).length
        let radius = 9.0, step = 0.5
        var best = (area: Double.infinity, centre: sap)
        var t = 0.25 * length
        while t <= 0.8 * length {
            let o = sap + axis * t
            var n = 0
            var sum = Vector3.zero
            for p in points {
                let d = p - o
                let along = d.dot(axis)
                guard abs(along) <= step / 2 else { continue }
                guard (d - axis * along).length <= radius, geo.local(p, side).l > 3 else { continue }
                n += 1; sum += p
            }
            if n > 0 {
                // Voxels in a slab of thickness `step` → area = count × voxel volume / step.
                let area = Double(n) * voxelMm3 / step
                if area < best.area { best = (area, sum / Double(n)) }
            }
            t += step
        }
        guard best.area.isFinite else { throw AnatomyError.geometry(reason: "\(name): no pars found between the articular processes") }
        return SideGeometry(pedicle: pedicle, superiorArticularProcess: sap, inferiorArticularProcess: iap,
                            lamina: lamina, pars: best.centre, parsAxis: axis, parsAreaMm2: best.area)
    }
}
