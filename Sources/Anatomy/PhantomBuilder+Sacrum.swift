import Foundation

/// The sacrum and the L5–S1 facet joints.
extension PhantomBuilder {
    /// Places the sacrum below L5: the S1 endplate sits one L5–S1 disc height below the L5 inferior
    /// endplate and is tilted further forward by the disc's wedge, chosen so the sacral slope comes to
    /// `Layers.sacralSlopeDegrees` (clamped to a 5–20° wedge).
    mutating func buildSacrum() {
        let l5 = geo[.l5]!
        let label = SpinalLevel.l5.tissue.rawValue
        // The L5 inferior endplate plane, and the body's size near it.
        var halfWidth = 0.0, frontA = Double.infinity
        forEachVoxel(in: box(around: l5.bodyCentre, halfSizeMm: Vector3(30, 30, 30))) { lin, p in
            guard spine.voxels[lin] == label else { return }
            let q = l5.local(p)
            guard q.a < l5.canalFrontA - 0.5, q.h < -5 else { return }
            halfWidth = max(halfWidth, abs(q.l)); frontA = min(frontA, q.a)
        }
        let endplate = l5.inferiorEndplate.centre, l5Normal = l5.inferiorEndplate.normal
        let l5SlopeDegrees = acos(min(1, l5Normal.z)) * 180 / .pi
        let wedge = Angle.degrees(min(20, max(5, LumbarPhantom.Layers.sacralSlopeDegrees - l5SlopeDegrees)))
        // Rotating the cranial axis about +x by a positive angle tips it forward (−y).
        let up = l5Normal.rotated(about: Vector3(1, 0, 0), by: wedge)
        let mid = (l5Normal + up).normalized
        let origin = endplate - mid * LumbarPhantom.Layers.l5s1DiscHeightMm
        measurements["l5InferiorEndplateSlopeDegrees"] = l5SlopeDegrees
        let bodyRadiusV = (l5.canalFrontA - frontA) / 2
        sacrum = SacrumFrame(origin: origin, up: up, posterior: Vector3(0, up.z, -up.y),
                             bodyRadiusU: halfWidth, bodyRadiusV: bodyRadiusV)
        measurements["sacralSlopeDegrees"] = acos(min(1, up.z)) * 180 / .pi
        measurements["l5s1DiscWedgeDegrees"] = wedge.degrees

        let s = sacrum!
        let reach = s.lengthMm + 60
        let region = box(around: s.world(u: 0, v: 10, w: s.lengthMm / 2), halfSizeMm: Vector3(60, reach / 2 + 10, reach / 2 + 10))
        let bone = Tissue.sacrum.rawValue
        forEachVoxel(in: region) { lin, p in
            guard spine.voxels[lin] == 0 else { return }
            let q = s.local(p)
            if s.inBone(q.u, q.v, q.w) && !s.inCanal(q.u, q.v, q.w) { spine.voxels[lin] = bone }
        }
        // S1 foramina: tunnels from the canal to the pelvic surface, carrying the S1 roots.
        for side in Side.allCases {
            let from = s.world(u: side.sign * (s.canalHalfWidthTop - 2), v: s.canalCentreV, w: 10)
            let to = s.world(u: side.sign * 30, v: -s.bodyRadiusV + 2, w: 38)
            tube(from: from, to: to, radiusMm: 4.5, label: Tissue.otherSoftTissue.rawValue) { $0 == bone || $0 == 0 }
            tube(from: from, to: to, radiusMm: LumbarPhantom.Layers.rootRadiusMm, label: Tissue.nerveRoot.rawValue) {
                $0 == 0 || $0 == Tissue.otherSoftTissue.rawValue
            }
        }
    }

    /// Builds the S1 superior articular process on one side by carrying L5's own superior articular
    /// process — and the L4–L5 joint cleft around it — from L4's inferior articular process to L5's,
    /// turned by the L4→L5 change of tilt. The copy meets L5's inferior process as L5's meets L4's;
    /// a pillar joins it to the sacral lamina, and a ≥0.75 mm cleft is kept against L5.
    mutating func buildS1SuperiorArticularProcess(_ side: Side) {
        guard let l4 = geo[.l4], let l5 = geo[.l5], let j4 = l4.sides[side]?.inferiorArticularProcess,
              let j5 = l5.sides[side]?.inferiorArticularProcess, let pedicle5 = l5.sides[side]?.pedicle else { return }
        let x = Vector3(1, 0, 0)
        let theta = Angle.radians(atan2(l4.up.cross(l5.up).x, l4.up.dot(l5.up)))
        let l5Label = SpinalLevel.l5.tissue.rawValue, bone = Tissue.sacrum.rawValue, joint = Tissue.facetJoint.rawValue
        let pedicleH = l5.local(pedicle5).h, canalCentreA = l5.local(l5.canalCentre).a
        let region = box(around: j5, halfSizeMm: Vector3(20, 22, 24))
        var made: [Vector3] = []
        var changes: [(Int, UInt8)] = []
        forEachVoxel(in: region) { lin, q in
            guard spine.voxels[lin] == 0 || spine.voxels[lin] == Tissue.epiduralFat.rawValue else { return }
            let p = j4 + (q - j5).rotated(about: x, by: Angle.radians(-theta.radians))
            guard let source = spine.value(nearestTo: p) else { return }
            let lp = l5.local(p, side)
            if source == l5Label, lp.l > 5, lp.a > canalCentreA - 4, lp.h > pedicleH + 2 {
                changes.append((lin, bone)); made.append(q)
            } else if source == joint, lp.l > 3 {
                changes.append((lin, joint))
            }
        }
        for (lin, value) in changes { spine.voxels[lin] = value }
        // Pillar: from each new voxel, fill caudally until sacral bone is met (within 30 mm).
        for q in made {
            var path: [Int] = []
            var t = h
            while t <= 30 {
                let p = q - sacrum.up * t
                guard let ijk = grid.nearestIndex(toWorld: p) else { break }
                let lin = grid.linearIndex(ijk.x, ijk.y, ijk.z)
                let a = spine.voxels[lin]
                if a == bone && !path.isEmpty && t > 2 * h { for n in path { spine.voxels[n] = bone }; break }
                if a != 0 && a != bone && a != Tissue.epiduralFat.rawValue { break }
                if a == 0 { path.append(lin) }
                t += h
            }
        }
        // Keep a cleft against L5.
        let near = box(around: j5, halfSizeMm: Vector3(20, 22, 26))
        let d5 = distances(in: near) { $0 == l5Label }
        var n = 0
        forEachVoxel(in: near) { lin, _ in
            if spine.voxels[lin] == bone && d5[n] < 0.75 { spine.voxels[lin] = joint }
            n += 1
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
