import Foundation

/// The sacrum (BodyParts3D, seated under L5 by `LumbosacralPlacement`) and the L5–S1 facet joints.
extension BoneStage {
    /// Voxelises the placed sacrum (coccyx included, label 26) and sets up its frame and modelled canal.
    mutating func buildSacrum() throws {
        let placement = try LumbosacralPlacement.standard()
        let bone = Tissue.sacrum.rawValue
        MeshVoxelizer.fillRobust(placement.sacrum, into: &spine, label: bone, overwrite: { $0 == 0 })
        sacrumMesh = placement.sacrum
        hipMeshes = [.left: placement.hipLeft, .right: placement.hipRight]
        let up = placement.s1EndplateNormal
        let posterior = Vector3(0, up.z, -up.y).normalized
        let apex = placement.sacrum.vertices.map { (Vector3($0) - placement.s1EndplateCentre).dot(-up) }.max() ?? 100
        let radii = s1BodyRadii()
        sacrum = SacrumFrame(origin: placement.s1EndplateCentre, up: up, posterior: posterior,
                             bodyRadiusU: radii.u, bodyRadiusV: radii.v, lengthMm: apex)
        sacrum.canal = measureSacralCanal()
        for c in sacrum.canal {
            measurements["sacralCanal.\(Int(c.depthMm))mm.halfWidthMm"] = c.halfWidthMm
            measurements["sacralCanal.\(Int(c.depthMm))mm.halfDepthMm"] = c.halfDepthMm
            measurements["sacralCanal.\(Int(c.depthMm))mm.centreZMm"] = c.centre.z
        }
        for side in Side.allCases {
            s1SuperiorArticularProcess[side] = s1ArticularProcess(side)
            measurements["L5-S1.\(side.rawValue).jointSpaceMm"] = placement.jointSpaceMm[side]
            measurements["L5-S1.\(side.rawValue).articularGapMedianMm"] = placement.articularGaps[side]?.medianAfterMm
        }
        measurements["l5InferiorEndplateSlopeDegrees"] = acos(min(1, geo[.l5]!.inferiorEndplate.normal.z)) * 180 / .pi
        measurements["sacralSlopeDegrees"] = placement.sacralSlopeDegrees
        measurements["lumbosacralAngleDegrees"] = placement.lumbosacralAngleDegrees
        measurements["l5s1DiscHeightMm"] = placement.discHeightMm
        measurements["sacrumRegistrationRMSMm"] = placement.registration.symmetricRMSMm
    }

    /// The S1 body's semi-axes (lateral, AP), mm, from the L5 inferior endplate's size (the disc between
    /// them matches both).
    func s1BodyRadii() -> (u: Double, v: Double) {
        let l5 = geo[.l5]!
        var halfWidth = 0.0, frontA = Double.infinity
        let label = SpinalLevel.l5.tissue.rawValue
        forEachVoxel(in: box(around: l5.bodyCentre, halfSizeMm: Vector3(30, 30, 30))) { lin, p in
            guard spine.voxels[lin] == label else { return }
            let q = l5.local(p)
            guard q.a < l5.canalFrontA - 0.5, q.h < -5 else { return }
            halfWidth = max(halfWidth, abs(q.l)); frontA = min(frontA, q.a)
        }
        return (halfWidth, (l5.canalFrontA - frontA) / 2)
    }

    /// The sacral canal from S1 to the hiatus, every 5 mm of depth below the S1 endplate. BodyParts3D's
    /// sacrum is solid where the canal should be, so the canal is modelled inside the real bone, in the
    /// midline, behind a body whose depth runs from the S1 body's (twice `bodyRadiusV`, from L5's inferior
    /// endplate) at the top to 8 mm 35 mm lower, about S3, and stays 8 mm to the hiatus (chosen). Where the bone reaches far enough behind the
    /// body, the canal lies under a roof of `roofMm` below the dorsal surface; where it does not, near the
    /// top, the canal lies against the body's back and opens behind it (the L5–S1 interlaminar window).
    /// At S1 it continues L5's canal (15.6 × 28.2 mm, DATASHEET §1b), tapering to 6 × 10 mm at the hiatus
    /// (chosen), and it is carved into the bone.
    mutating func measureSacralCanal() -> [SacrumFrame.CanalSection] {
        let bone = Tissue.sacrum.rawValue
        func isBone(_ p: Vector3) -> Bool { spine.value(nearestTo: p) == bone }
        let step = h / 2
        /// S1 lamina ≈ 6 mm thick (Wang 2024, DATASHEET §1b).
        let roofMm = 6.0, hiatusW = min(85.0, sacrum.lengthMm - 25)
        /// Depth below the endplate above which a section without bone behind the body is the open top of
        /// the canal (about the S1 segment's height; chosen), not a sacrum too thin for a canal.
        let openTopW = 25.0, bodyTaperMm = 35.0
        let top = (halfDepth: 15.6 / 2, halfWidth: 28.2 / 2, body: 2 * sacrum.bodyRadiusV)
        let bottom = (halfDepth: 3.0, halfWidth: 5.0, body: 8.0)
        var sections: [SacrumFrame.CanalSection] = []
        for w in stride(from: 4.0, through: hiatusW, by: 5) {
            // The bone's extent along posterior in the midline: its front and its dorsal surface.
            var t = -20.0
            while t < 60, !isBone(sacrum.world(u: 0, v: t, w: w)) { t += step }
            guard t < 60 else { continue }
            let front = t
            var back = t
            while t < 60 { if isBone(sacrum.world(u: 0, v: t, w: w)) { back = t }; t += step }
            let f = (w - 4) / (hiatusW - 4)
            var halfDepth = top.halfDepth * (1 - f) + bottom.halfDepth * f
            let halfWidth = top.halfWidth * (1 - f) + bottom.halfWidth * f
            let bodyBack = front + max(bottom.body, top.body - (top.body - bottom.body) * (w - 4) / bodyTaperMm)
            let centreV: Double
            if back - roofMm - bodyBack >= 2 * halfDepth {
                centreV = back - roofMm - halfDepth                 // under the roof
            } else if back - roofMm - bodyBack >= 3 {
                halfDepth = (back - roofMm - bodyBack) / 2          // a thin sacrum: the canal narrows
                centreV = bodyBack + halfDepth
            } else if w <= openTopW {
                centreV = bodyBack + halfDepth                      // open behind, under the interlaminar window
            } else {
                continue
            }
            sections.append(.init(depthMm: w, centre: sacrum.world(u: 0, v: centreV, w: w), halfWidthMm: halfWidth,
                                  halfDepthMm: halfDepth, back: sacrum.world(u: 0, v: centreV + halfDepth, w: w)))
        }
        // Each station is drawn as an ellipse in an axial slice: keep them descending in z, and stretch the
        // depth by the canal's slant (a tube at angle θ to vertical cuts an axial slice 1 / cos θ deeper).
        var kept: [SacrumFrame.CanalSection] = []
        for c in sections where kept.last.map({ c.centre.z < $0.centre.z - h }) ?? true { kept.append(c) }
        for n in kept.indices {
            let a = kept[max(0, n - 1)].centre, b = kept[min(kept.count - 1, n + 1)].centre
            let cosine = max(0.35, abs((b - a).normalized.z))
            kept[n].axialHalfDepthMm = kept[n].halfDepthMm / cosine
        }
        if let top = kept.first {
            let v = sacrum.local(top.centre).v, w = -SacrumFrame.CanalSection.openingMm
            sacrum.canalOpening = .init(depthMm: w, centre: sacrum.world(u: 0, v: v, w: w), halfWidthMm: top.halfWidthMm,
                                        halfDepthMm: top.halfDepthMm, axialHalfDepthMm: top.axialHalfDepthMm,
                                        back: sacrum.world(u: 0, v: v + top.halfDepthMm, w: w))
        }
        carveSacralCanal((sacrum.canalOpening.map { [$0] } ?? []) + kept)
        return kept
    }

    /// Clears sacral bone inside the canal's cross-sections (ellipses in axial slices, interpolated in
    /// z between sections; the opening above the top one included), so the canal contents can fill it.
    mutating func carveSacralCanal(_ sections: [SacrumFrame.CanalSection]) {
        guard sections.count >= 2 else { return }
        let stations = sections.map { CanalStation(centre: $0.centre, canalHalfWidth: $0.halfWidthMm, canalHalfDepth: $0.axialHalfDepthMm, sacScale: 0) }
            .sorted { $0.centre.z > $1.centre.z }
        let bone = Tissue.sacrum.rawValue
        let lo = Vector3(-30, stations.map(\.centre.y).min()! - 30, stations.last!.centre.z)
        let hi = Vector3(30, stations.map(\.centre.y).max()! + 30, stations.first!.centre.z)
        forEachVoxel(in: IndexBox(grid: grid, worldMin: lo, worldMax: hi)) { lin, p in
            guard spine.voxels[lin] == bone else { return }
            if CanalStation.interpolated(atZ: p.z, stations).holds(p) { spine.voxels[lin] = 0 }
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
}
