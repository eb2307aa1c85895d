import Foundation

/// The sacrum (BodyParts3D, seated under L5 by `LumbosacralPlacement`) and the L5–S1 facet joints.
extension PhantomBuilder {
    /// Voxelises the placed sacrum (coccyx included, label 26) and sets up its frame and measured canal.
    mutating func buildSacrum() throws {
        let placement = try LumbosacralPlacement.standard()
        let bone = Tissue.sacrum.rawValue
        MeshVoxelizer.fillRobust(placement.sacrum, into: &spine, label: bone, overwrite: { $0 == 0 })
        let l5 = geo[.l5]!
        // The L5 inferior endplate's size gives the S1 body's (the disc between them matches both).
        var halfWidth = 0.0, frontA = Double.infinity
        let label = SpinalLevel.l5.tissue.rawValue
        forEachVoxel(in: box(around: l5.bodyCentre, halfSizeMm: Vector3(30, 30, 30))) { lin, p in
            guard spine.voxels[lin] == label else { return }
            let q = l5.local(p)
            guard q.a < l5.canalFrontA - 0.5, q.h < -5 else { return }
            halfWidth = max(halfWidth, abs(q.l)); frontA = min(frontA, q.a)
        }
        let up = placement.s1EndplateNormal
        let posterior = Vector3(0, up.z, -up.y).normalized
        let apex = placement.sacrum.vertices.map { (Vector3($0) - placement.s1EndplateCentre).dot(-up) }.max() ?? 100
        sacrum = SacrumFrame(origin: placement.s1EndplateCentre, up: up, posterior: posterior,
                             bodyRadiusU: halfWidth, bodyRadiusV: (l5.canalFrontA - frontA) / 2, lengthMm: apex)
        sacrum.canal = measureSacralCanal()
        for side in Side.allCases {
            s1SuperiorArticularProcess[side] = s1ArticularProcess(side)
            measurements["L5-S1.\(side.rawValue).jointSpaceMm"] = placement.jointSpaceMm[side]
        }
        measurements["l5InferiorEndplateSlopeDegrees"] = acos(min(1, l5.inferiorEndplate.normal.z)) * 180 / .pi
        measurements["sacralSlopeDegrees"] = placement.sacralSlopeDegrees
        measurements["lumbosacralAngleDegrees"] = placement.lumbosacralAngleDegrees
        measurements["l5s1DiscHeightMm"] = placement.discHeightMm
        measurements["sacrumRegistrationRMSMm"] = placement.registration.symmetricRMSMm
    }

    /// The sacral canal from S1 to the hiatus, every 5 mm of depth below the S1 endplate. Where the mesh
    /// has it (BodyParts3D models the canal only at S1), it is measured: from a point of the body in the
    /// midline, along `posterior`, the first gap in the bone, and its width along x through the middle.
    /// Below that it is modelled inside the real bone: under a roof of `roofMm` below the dorsal surface,
    /// tapering to 3 × 5 mm (half-depth × half-width) at the hiatus (chosen), and carved into the bone.
    mutating func measureSacralCanal() -> [SacrumFrame.CanalSection] {
        let bone = Tissue.sacrum.rawValue
        func isBone(_ p: Vector3) -> Bool { spine.value(nearestTo: p) == bone }
        let step = h / 2
        let roofMm = 5.0, hiatusW = min(85.0, sacrum.lengthMm - 25)
        var sections: [SacrumFrame.CanalSection] = []
        var measuredEnded = false
        for w in stride(from: 4.0, through: hiatusW, by: 5) {
            // The bone's extent along posterior in the midline: its front and its dorsal surface.
            var t = -20.0
            while t < 60, !isBone(sacrum.world(u: 0, v: t, w: w)) { t += step }
            guard t < 60 else { continue }
            let front = t
            while t < 60, isBone(sacrum.world(u: 0, v: t, w: w)) { t += step }
            let firstGap = t
            while t < 60, !isBone(sacrum.world(u: 0, v: t, w: w)) { t += step }
            if !measuredEnded, t < 60, t - firstGap >= 2 {
                let centre = sacrum.world(u: 0, v: (firstGap + t) / 2, w: w)
                var half = 0.0
                while half < 25, !isBone(centre + Vector3(half, 0, 0)), !isBone(centre - Vector3(half, 0, 0)) { half += step }
                sections.append(.init(depthMm: w, centre: centre, halfWidthMm: half, halfDepthMm: (t - firstGap) / 2,
                                      back: sacrum.world(u: 0, v: t, w: w)))
                continue
            }
            measuredEnded = true
            // No gap: model the canal under the dorsal surface (the last bone before 60 mm of nothing).
            var back = firstGap
            var u = firstGap
            while u < 60 { if isBone(sacrum.world(u: 0, v: u, w: w)) { back = u }; u += step }
            let last = sections.last
            let f = min(1, max(0, (w - (last?.depthMm ?? 4)) / max(1, hiatusW - (last?.depthMm ?? 4))))
            let halfDepth = (last?.halfDepthMm ?? 6) * (1 - f) + 3 * f, halfWidth = (last?.halfWidthMm ?? 12) * (1 - f) + 5 * f
            let centreV = max(front + 4 + halfDepth, back - roofMm - halfDepth)
            guard centreV + halfDepth < back else { continue }
            sections.append(.init(depthMm: w, centre: sacrum.world(u: 0, v: centreV, w: w), halfWidthMm: halfWidth,
                                  halfDepthMm: halfDepth, back: sacrum.world(u: 0, v: centreV + halfDepth, w: w)))
        }
        carveSacralCanal(sections)
        return sections
    }

    /// Clears sacral bone inside the canal's cross-sections (ellipses in axial slices, interpolated in
    /// z between sections), so the canal contents can fill it.
    mutating func carveSacralCanal(_ sections: [SacrumFrame.CanalSection]) {
        guard sections.count >= 2 else { return }
        let stations = sections.map { CanalStation(centre: $0.centre, canalHalfWidth: $0.halfWidthMm, canalHalfDepth: $0.halfDepthMm, sacScale: 0) }
            .sorted { $0.centre.z > $1.centre.z }
        let bone = Tissue.sacrum.rawValue
        let lo = Vector3(-30, stations.map(\.centre.y).min()! - 20, stations.last!.centre.z)
        let hi = Vector3(30, stations.map(\.centre.y).max()! + 20, stations.first!.centre.z)
        forEachVoxel(in: IndexBox(grid: grid, worldMin: lo, worldMax: hi)) { lin, p in
            guard spine.voxels[lin] == bone else { return }
            let st = station(atZ: p.z, stations)
            guard st.canalHalfWidth > 0 else { return }
            let dx = (p.x - st.centre.x) / st.canalHalfWidth, dy = (p.y - st.centre.y) / st.canalHalfDepth
            if dx * dx + dy * dy <= 1 { spine.voxels[lin] = 0 }
        }
    }

    /// The S1 superior articular process on one side: the centroid of sacral bone within 10 mm of L5's
    /// inferior articular process, lateral of the canal and above the S1 endplate.
    func s1ArticularProcess(_ side: Side) -> Vector3? {
        guard let iap = geo[.l5]?.sides[side]?.inferiorArticularProcess else { return nil }
        var sum = Vector3.zero, n = 0.0
        forEachVoxel(in: box(around: iap, halfSizeMm: Vector3(10, 10, 10))) { lin, p in
            guard spine.voxels[lin] == Tissue.sacrum.rawValue, (p - iap).length <= 10, p.x * side.sign > 5, sacrum.local(p).w < 0 else { return }
            sum += p; n += 1
        }
        return n > 0 ? snap(sum / n, to: Tissue.sacrum.rawValue) : nil
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
