import Foundation

/// The torso: skin, subcutaneous fat, supraspinous ligament, the paraspinal compartments (fascia, multifidus,
/// erector spinae), psoas and quadratus lumborum, other muscle and soft tissue in an elliptic cross-section sized from the habitus, widened
/// over the pelvis and risen over the paraspinal muscles and buttocks, with the spine grid copied in.
extension SoftTissueStage {
    /// The posterior skin line: the posterior bony envelope near the midline (bridged over the gaps
    /// between spinous processes), plus a cover of skin, fat and supraspinous ligament. The cover is
    /// set so the midline skin-to-epidural depth at L4-5 equals 3.33 + 0.05 × BMI cm (DATASHEET §3),
    /// but never less than skin + ligament + `minimumFatMm`.
    func skinLine() -> (ySkin: [Double], fatMm: Double, coverMm: Double) {
        let g = grid
        let nz = g.dimensions.z
        var envelope = [Double](repeating: -.infinity, count: nz)
        spine.voxels.withUnsafeBufferPointer { v in
            let i0 = g.nearestIndex(toWorld: Vector3(-15, 0, g.world(0, 0, 0).z))!.x
            let i1 = g.nearestIndex(toWorld: Vector3(15, 0, g.world(0, 0, 0).z))!.x
            for k in 0..<nz {
                for j in stride(from: g.dimensions.y - 1, through: 0, by: -1) {
                    let base = g.linearIndex(0, j, k)
                    if (i0...i1).contains(where: { Tissue.isBone(v[base + $0]) }) {
                        envelope[k] = g.world(0, j, k).y; break
                    }
                }
            }
        }
        // Above the highest spinous process (L1's) the model has no T12: the envelope there would fall to
        // L1's lamina and body, and the back with it (22 mm over L1's top 30 mm, which sheared the torso
        // and thinned the AP path of its upward rays by 13 mm); it holds the tip's depth instead.
        if let top = SpinalLevel.modelled.first(where: { geo[$0] != nil }).flatMap({ geo[$0] }),
           let kTip = g.nearestIndex(toWorld: Vector3(0, 0, top.spinousProcessTip.z))?.z, kTip < nz - 1 {
            let tipDepth = envelope[max(0, kTip - Int(2 / h))...kTip].max()!
            for k in (kTip + 1)..<nz { envelope[k] = max(envelope[k], tipDepth) }
        }
        // Fill slices without bone from their nearest neighbours, then bridge and smooth.
        if let first = envelope.firstIndex(where: { $0 > -.infinity }), let last = envelope.lastIndex(where: { $0 > -.infinity }) {
            for k in 0..<first { envelope[k] = envelope[first] }
            for k in (last + 1)..<nz { envelope[k] = envelope[last] }
            for k in first...last where envelope[k] == -.infinity { envelope[k] = envelope[k - 1] }
        }
        let bridge = Int(12 / h), smooth = Int(8 / h)
        let bridged = (0..<nz).map { k in envelope[max(0, k - bridge)...min(nz - 1, k + bridge)].max()! }
        let smoothed = (0..<nz).map { k -> Double in
            let w = bridged[max(0, k - smooth)...min(nz - 1, k + smooth)]
            return w.reduce(0, +) / Double(w.count)
        }
        let l4 = geo[.l4]!, l5 = geo[.l5]!
        let z45 = (l4.canalCentre.z + l5.canalCentre.z) / 2
        let back45 = (l4.canalBackPoint.y + l5.canalBackPoint.y) / 2
        let k45 = g.nearestIndex(toWorld: Vector3(0, 0, z45))!.z
        let minCover = LumbarPhantom.Layers.skinMm + LumbarPhantom.Layers.supraspinousMm + LumbarPhantom.Layers.minimumFatMm
        let cover = max(minCover, habitus.skinToEpiduralDepthMm - (smoothed[k45] - back45))
        let fat = cover - LumbarPhantom.Layers.skinMm - LumbarPhantom.Layers.supraspinousMm
        return (smoothed.map { $0 + cover }, fat, cover)
    }

    /// Lays out the full grid and returns its labels.
    mutating func layOutTorso() throws -> Volume<UInt8> {
        let line = skinLine()
        let (a, b) = habitus.torsoSemiAxesMm
        let sg = grid
        let skin = LumbarPhantom.Layers.skinMm, fat = line.fatMm, lig = LumbarPhantom.Layers.supraspinousMm
        // The lateral semi-axis of each slice: the habitus's, widened to hold the hip bones.
        let aOfSlice = pelvicSemiAxes(ySkin: line.ySkin, zOriginMm: sg.world(0, 0, 0).z, semiAxes: (a, b),
                                      coverMm: skin + fat + Self.pelvicMuscleCoverMm)
        let aMax = aOfSlice.max()!
        measurements["pelvicWidthMm"] = 2 * aMax
        let contour = backContour(zOriginMm: sg.world(0, 0, 0).z, sliceCount: sg.dimensions.z)
        measurements["paraspinalRiseMm"] = contour.paraspinal.max() ?? 0
        measurements["glutealRiseMm"] = contour.gluteal.max() ?? 0
        let yMin = min(line.ySkin.min()! - 2 * b - 6, sg.world(0, 0, 0).y)
        let yMax = max(line.ySkin.max()! + 6 + Self.glutealRiseMm, sg.world(0, sg.dimensions.y - 1, 0).y)
        let lo = Vector3(min(-aMax - 6, sg.world(0, 0, 0).x), yMin, sg.world(0, 0, 0).z)
        let hi = Vector3(max(aMax + 6, sg.world(sg.dimensions.x - 1, 0, 0).x), yMax, sg.world(0, 0, sg.dimensions.z - 1).z)
        let full = try LumbarPhantom.latticeGrid(lo: lo, hi: hi, h: h)
        let offset = SIMD3<Int>((sg.worldFromIndex.translation - full.worldFromIndex.translation) / h + 0.5, rounding: .down)
        precondition(full.dimensions.z == sg.dimensions.z && offset.z == 0, "spine and full grids must share z slices")

        measurements["subcutaneousFatMm"] = fat
        measurements["midlineCoverMm"] = line.coverMm
        measurements["torsoWidthMm"] = 2 * a
        measurements["torsoDepthMm"] = 2 * b
        let l4 = geo[.l4]!, l5 = geo[.l5]!
        let z45 = (l4.canalCentre.z + l5.canalCentre.z) / 2
        let k45 = full.nearestIndex(toWorld: Vector3(0, 0, z45))!.z
        measurements["skinToEpiduralL4L5Mm"] = line.ySkin[k45] - (l4.canalBackPoint.y + l5.canalBackPoint.y) / 2

        // Vertical profiles: the canal's centre — the level of the transverse processes, in front of which the
        // paraspinal muscles end (psoas and quadratus lumborum lie there); on the sacrum 8 mm behind its
        // body's back — and the vertebral bodies (psoas beside them).
        let levels = SpinalLevel.modelled.map { geo[$0]! }
        let canalProfile = levels.map { ($0.canalCentre.z, $0.canalCentre.y) }
            + [(sacrum.origin.z, sacrum.world(u: 0, v: sacrum.bodyRadiusV, w: 0).y + 8),
               (sacrum.world(u: 0, v: 0, w: sacrum.lengthMm).z, sacrum.world(u: 0, v: sacrum.bodyRadiusV, w: sacrum.lengthMm).y + 8)]
        let bodyProfile = levels.map { ($0.bodyCentre.z, $0.bodyCentre.y, $0.bodyHalfWidthMm) }
        let deepMuscles = deepMuscleAreasMm2(zOriginMm: sg.world(0, 0, 0).z, sliceCount: sg.dimensions.z)

        let zErectorEnd = geo[.l5]!.bodyCentre.z - 50
        let zSupraspinousEnd = geo[.l5]!.spinousProcessTip.z
        let zMultifidusTop = geo[.l1]!.bodyCentre.z, zMultifidusFull = geo[.l5]!.bodyCentre.z
        var labels = Volume<UInt8>(grid: full, repeating: 0)
        let nx = full.dimensions.x, ny = full.dimensions.y
        let o = full.worldFromIndex.translation
        let ySkin = line.ySkin
        let spineVoxels = spine.voxels, sd = sg.dimensions, h = self.h
        let xs = (0..<nx).map { o.x + Double($0) * h }
        labels.voxels.withUnsafeMutableBufferPointer { buf in
            let out = SharedVoxels(base: buf.baseAddress!)
            let rise = contour
            forEachSlice(full.dimensions.z) { k in
                let z = o.z + Double(k) * h
                let ys = ySkin[k], yc = ys - b, a = aOfSlice[k]
                let paraspinal = rise.paraspinal[k], gluteal = rise.gluteal[k]
                let ligamentHalfWidth = Self.supraspinousHalfWidthMm(at: z, endZ: zSupraspinousEnd)
                let yCanal = Self.interpolate(canalProfile, z)
                let body = Self.interpolate(bodyProfile.map { ($0.0, $0.1) }, z)
                let bodyHalf = Self.interpolate(bodyProfile.map { ($0.0, $0.2) }, z)
                let psoasR = Self.psoasRadiusMm(areaMm2: deepMuscles.psoas[k])
                let quadratusScale = Self.quadratusScaleMm(areaMm2: deepMuscles.quadratus[k])
                let hasPsoas = psoasR > 0.5, hasQuadratus = quadratusScale > 0.5
                let quadratusMedial = Self.quadratusMedialEdgeMm(bodyHalfMm: bodyHalf, psoasRadiusMm: hasPsoas ? psoasR : 0)
                // The ellipse shrunk by each of these, mm (skin; fat; fascia; 12 mm of muscle under the fat). Its
                // test (x/ax)² + (y/by)² ≤ 1 is split into a per-column and a per-row term, each computed once.
                let shrinks = [0, skin, skin + fat, skin + fat + Self.fasciaMm, skin + fat + 12]
                let surface = 0, underSkin = 1, underFat = 2, underFascia = 3, underMuscleRim = 4
                var xTerm = [Double](repeating: 0, count: shrinks.count * nx)
                for (n, shrink) in shrinks.enumerated() {
                    let ax = a - shrink
                    for i in 0..<nx { xTerm[n * nx + i] = (xs[i] / ax) * (xs[i] / ax) }
                }
                var yTerm = [Double](repeating: 0, count: shrinks.count)
                func setRow(_ dy: Double) {
                    for (n, shrink) in shrinks.enumerated() { let by = b - shrink; yTerm[n] = (dy / by) * (dy / by) }
                }
                /// Inside the ellipse shrunk by `shrinks[n]`, at column i of the current row.
                func inEllipse(_ i: Int, _ n: Int) -> Bool { xTerm[n * nx + i] + yTerm[n] <= 1 }
                // The back's skin behind the ellipse's centre, per column (depth along y from the centre, mm):
                // the ellipse plus its rise over the paraspinal muscles and the buttocks; −∞ beyond the ellipse.
                var backOfColumn = [Double](repeating: -.infinity, count: nx)
                for i in 0..<nx {
                    let x = xs[i]
                    guard abs(x) < a else { continue }
                    let u = x / a
                    backOfColumn[i] = b * (1 - u * u).squareRoot() + Self.backRise(x, paraspinalMm: paraspinal, glutealMm: gluteal)
                }
                // Inside the body `shrink` mm in from the skin: the ellipse, and behind its centre the back.
                func inBody(_ i: Int, _ dy: Double, _ n: Int) -> Bool {
                    if inEllipse(i, n) { return true }
                    let shrink = shrinks[n]
                    guard dy >= 0, abs(xs[i]) < a - shrink else { return false }
                    return dy <= backOfColumn[i] - shrink
                }
                // The paraspinal mass behind the canal's centre: a rounded box (superellipse, power 4) out to
                // `paraspinalHalfWidthMm`, so its lateral margin curves instead of ending in a corner.
                let paraspinalDepth = max(1, ys - yCanal)
                // Its compartments: the fascia's posterior layer under the fat, the multifidus medially, the septum,
                // the erector spinae laterally down to where they become aponeurosis on the sacrum (muscle below).
                let hasErector = z > zErectorEnd
                let multifidusWidth = Self.multifidusWidthMm(at: z, l1: zMultifidusTop, l5: zMultifidusFull)
                let fasciaY = ys - skin - fat, compartmentDepth = max(1, fasciaY - yCanal)
                func paraspinalLabel(_ i: Int, _ dy: Double) -> UInt8 {
                    let u = abs(xs[i])
                    let septum = multifidusWidth * Self.septumWidthFactor(depthFraction: (fasciaY - (yc + dy)) / compartmentDepth)
                    if !inBody(i, dy, underFascia) || abs(u - septum) < Self.fasciaMm / 2 {
                        return Tissue.fascia.rawValue
                    }
                    if u < septum { return Tissue.multifidus.rawValue }
                    return hasErector ? Tissue.erectorSpinae.rawValue : Tissue.muscle.rawValue
                }
                for j in 0..<ny {
                    let y = o.y + Double(j) * h, dy = y - yc
                    setRow(dy)
                    for i in 0..<nx {
                        let x = xs[i]
                        var label: UInt8
                        if !inBody(i, dy, surface) { label = 0 }
                        else if !inBody(i, dy, underSkin) { label = Tissue.skin.rawValue }
                        else if !inBody(i, dy, underFat) { label = Tissue.subcutaneousFat.rawValue }
                        else if ligamentHalfWidth > 0, abs(x) <= ligamentHalfWidth, y > ys - skin - fat - lig { label = Tissue.ligament.rawValue }
                        else if !inEllipse(i, underFat) {
                            label = abs(x) < Self.paraspinalHalfWidthMm && y > yCanal ? paraspinalLabel(i, dy) : Tissue.muscle.rawValue
                        }
                        else if y > yCanal, Self.inSuperellipse(abs(x) / Self.paraspinalHalfWidthMm, (ys - y) / paraspinalDepth) {
                            label = paraspinalLabel(i, dy)
                        }
                        else if !inEllipse(i, underMuscleRim) { label = Tissue.muscle.rawValue }
                        else if hasPsoas, Self.inPsoas(x, y, body, bodyHalf, psoasR) { label = Tissue.psoas.rawValue }
                        else if hasQuadratus, Self.inQuadratus(x, y, yCanal, quadratusScale, medialMm: quadratusMedial) {
                            label = Tissue.quadratusLumborum.rawValue
                        }
                        else { label = Tissue.otherSoftTissue.rawValue }
                        // Bony and canal structures from the spine grid win inside the body.
                        let si = i - offset.x, sj = j - offset.y
                        if label != 0, si >= 0, sj >= 0, si < sd.x, sj < sd.y {
                            let s = spineVoxels[si + sd.x * (sj + sd.y * k)]
                            if s != 0 { label = s }
                        }
                        out.base[i + nx * (j + ny * k)] = label
                    }
                }
            }
        }
        return labels
    }

    /// Half-width of the supraspinous ligament over the spinous-process tips at height z, mm: 4 mm down to
    /// the L5 tip, then narrowing to nothing 10 mm below it (both chosen: the ligament is described as thin
    /// or absent below L4–L5, Heylings, J Anat 1978;125:127–131 — not in the data sheet). Before, an 8 mm
    /// strip ran the grid's whole height, over the sacrum and the intergluteal cleft.
    static func supraspinousHalfWidthMm(at z: Double, endZ: Double) -> Double {
        let t = min(1, max(0, (z - (endZ - 10)) / 10))
        return 4 * t * t * (3 - 2 * t)
    }

    /// True inside the unit superellipse |u|⁴ + |v|⁴ ≤ 1 (v ≥ 0 is toward the front).
    static func inSuperellipse(_ u: Double, _ v: Double) -> Bool {
        let u2 = u * u, v2 = v * v
        return u2 * u2 + v2 * v2 <= 1
    }

    /// How far the back's skin rises above the torso ellipse at lateral offset x, mm: over each paraspinal
    /// mass (crest 40 mm from the midline) and each buttock (crest 65 mm out), both zero at the midline,
    /// which leaves the midline furrow over the spinous processes and the intergluteal cleft.
    static func backRise(_ x: Double, paraspinalMm: Double, glutealMm: Double) -> Double {
        let furrow = 1 - exp(-(x * x) / (10 * 10))
        let u = abs(x)
        let overMuscle = exp(-((u - 40) * (u - 40)) / (28 * 28)), overButtock = exp(-((u - 65) * (u - 65)) / (40 * 40))
        return furrow * (paraspinalMm * overMuscle + glutealMm * overButtock)
    }

    /// The paraspinal muscles' rise over a lean back: the depth of the midline furrow, mm (chosen; no
    /// measured value was found: a lean adult's can reach a centimetre, but the probe face is rigid and the
    /// body does not deform, and at 10 mm it rides on the bulges over the furrow so that no searched pars
    /// view reaches the spinous process). It fades as the fat of a higher BMI fills the furrow, to nothing
    /// at BMI 35.
    static let paraspinalRiseMm = 5.0
    /// The paraspinal muscles reach this far from the midline, mm (chosen so that, behind the canal's centre,
    /// multifidus and erector spinae come near their MRI cross-sections, 4.7 ± 1.1 and 14.3 ± 3.3 cm² a side
    /// averaged over the lumbar levels, Belavý 2017, DATASHEET §3).
    static let paraspinalHalfWidthMm = 60.0
    /// How far the multifidus spans from the midline at height z, mm: from the spinous process past the facet
    /// line (the facets lie 1.9 ± 0.6 cm from the spinous process, Galiano 2005, DATASHEET §3), growing
    /// caudally as the muscle does, from 18 mm at the L1 body to 28 mm at the L5 body and below (chosen).
    static func multifidusWidthMm(at z: Double, l1: Double, l5: Double) -> Double {
        18 + 10 * min(1, max(0, (l1 - z) / max(1, l1 - l5)))
    }
    /// Where the septum between multifidus and erector spinae lies, as a multiple of the multifidus width,
    /// at a fraction of the depth from the fascia's posterior layer (0) to the canal's centre (1): 1.2 under
    /// the fascia, 0.8 at the laminae, bowed 5 % outward between — the multifidus is broad behind and
    /// narrow where it fills the gutter beside the spinous process, and the septum curves (chosen from
    /// axial MRI's usual shape; the mean over the depth is 1, so the compartments keep their areas). A
    /// septum in one plane printed a straight line on AP shots.
    static func septumWidthFactor(depthFraction t: Double) -> Double {
        let c = min(1, max(0, t))
        return 1.2 - 0.4 * c + 0.05 * sin(Double.pi * c) - 0.05 * 2 / Double.pi
    }
    /// Thickness of the thoracolumbar fascia's posterior layer and of the septum between multifidus and
    /// erector spinae, mm (chosen: NOT FOUND in the data sheet; two voxels at 0.5 mm).
    static let fasciaMm = 1.0
    /// How far the buttocks stand behind the sacrum's skin line, mm (chosen; no measured value was found).
    static let glutealRiseMm = 30.0

    /// Per slice, the paraspinal and gluteal rise (`backRise`), mm: the paraspinal one full from the L1 to
    /// the L5 body and fading over 50 mm onto the sacrum, where the erector spinae become aponeurosis; the
    /// gluteal one from nothing at the iliac crests' tops to full 90 mm below them, and on down.
    func backContour(zOriginMm: Double, sliceCount: Int) -> (paraspinal: [Double], gluteal: [Double]) {
        let lean = min(1, max(0, (35 - habitus.bodyMassIndex) / 11.4))
        let zTop = geo[.l1]!.bodyCentre.z, zL5 = geo[.l5]!.bodyCentre.z
        let crest = iliacCrestTopZMm
        func smoothstep(_ t: Double) -> Double { let c = min(1, max(0, t)); return c * c * (3 - 2 * c) }
        var paraspinal: [Double] = [], gluteal: [Double] = []
        for k in 0..<sliceCount {
            let z = zOriginMm + Double(k) * h
            let along = smoothstep((z - (zL5 - 50)) / 50) * smoothstep((zTop + 30 - z) / 30)
            paraspinal.append(Self.paraspinalRiseMm * lean * along)
            gluteal.append(Self.glutealRiseMm * smoothstep((crest - z) / 90))
        }
        return (paraspinal, gluteal)
    }

    /// The higher of the two iliac crests' tops, z mm (20 mm below the L5 body's centre without hip bones).
    var iliacCrestTopZMm: Double {
        hipMeshes.values.compactMap { $0.vertices.map { Double($0.z) }.max() }.max() ?? (geo[.l5]!.bodyCentre.z - 20)
    }

    /// Cross-sectional areas of psoas major and quadratus lumborum (one side) on each axial slice, mm².
    ///
    /// Areas at the disc levels are the MRI means of healthy adults, both sides averaged (Ivanac 2026,
    /// *Med Sci Monit* 32:e951651, Table 2, controls): psoas 437 (L1-L2), 990 (L2-L3), 1463 (L3-L4),
    /// 1775 (L4-L5), 1575 mm² (L5-S1); quadratus lumborum 343, 533, 707 mm² (L1-L2 … L3-L4), linear between.
    /// Chosen ends, each a taper so that no shot shows a step: the psoas rises from nothing at the L1 body's
    /// centre (it arises from T12–L1) and, 40 mm below the S1 endplate, thins to nothing over 40 mm as it
    /// leaves over the pelvic brim; the quadratus lumborum comes down from the 12th rib (present at the top
    /// of the grid) and ends on the iliac crest — its area falls to nothing from the lowest tabulated disc at
    /// least 10 mm above the crest's top (L3-L4 in the flagship) to that top.
    func deepMuscleAreasMm2(zOriginMm: Double, sliceCount: Int) -> (psoas: [Double], quadratus: [Double]) {
        let centres = SpinalLevel.modelled.map { geo[$0]!.bodyCentre.z } + [sacrum.origin.z]
        let disc = (0..<(centres.count - 1)).map { (centres[$0] + centres[$0 + 1]) / 2 }   // L1-L2 … L5-S1
        let psoas = [(centres[0], 0.0)] + zip(disc, [437.0, 990, 1463, 1775, 1575]).map { ($0, $1) }
        let zEnd = iliacCrestTopZMm
        let quadratus = zip(disc.prefix(3), [343.0, 533, 707]).filter { $0.0 >= zEnd + 10 }.map { ($0, $1) } + [(zEnd, 0.0)]
        let zPsoasBottom = sacrum.origin.z - 40, taperMm = 40.0
        let zs = (0..<sliceCount).map { zOriginMm + Double($0) * h }
        return (zs.map { z in Self.interpolate(psoas, z) * min(1, max(0, 1 - (zPsoasBottom - z) / taperMm)) },
                zs.map { z in Self.interpolate(quadratus, z) })
    }

    /// The psoas's cross-section: an ellipse r wide and 0.85 r deep (chosen), centred 0.9 r beyond the
    /// vertebral body's side and 4 mm behind its centre.
    static func psoasRadiusMm(areaMm2: Double) -> Double { (areaMm2 / (0.85 * .pi)).squareRoot() }

    static func inPsoas(_ x: Double, _ y: Double, _ bodyY: Double, _ bodyHalf: Double, _ r: Double) -> Bool {
        let cx = bodyHalf + r * 0.9, cy = bodyY + 4
        let dx = (abs(x) - cx) / r, dy = (y - cy) / (0.85 * r)
        return dx * dx + dy * dy <= 1
    }

    /// The quadratus lumborum's cross-section: an ellipse 2.2 s wide and s deep (chosen from axial MRI's
    /// flat lens), its medial edge at `quadratusMedialEdgeMm`, lying in front of the erector spinae (whose
    /// front is the canal centre's coronal plane) with the fascia's anterior layer between.
    static func quadratusScaleMm(areaMm2: Double) -> Double { (areaMm2 / (2.2 * .pi)).squareRoot() }
    /// Least distance from the midline to the quadratus lumborum's medial edge, mm (chosen: the lumbar
    /// transverse processes reach about 40 mm from the midline).
    static let quadratusMedialMm = 40.0
    /// The quadratus lumborum's medial edge, mm from the midline: at the transverse processes' tips, or where
    /// the psoas (radius r, its lateral edge 1.9 r beyond the vertebral body's side) ends if that is further
    /// out, so that the two lie side by side — the quadratus posterolateral to the psoas — instead of one
    /// hiding the other. Both follow r and the body smoothly, so the edge moves without a step.
    static func quadratusMedialEdgeMm(bodyHalfMm: Double, psoasRadiusMm r: Double) -> Double {
        max(quadratusMedialMm, r > 0 ? bodyHalfMm + 1.9 * r : 0)
    }

    static func inQuadratus(_ x: Double, _ y: Double, _ yCanal: Double, _ s: Double, medialMm: Double) -> Bool {
        let ax = 2.2 * s, cx = medialMm + ax, cy = yCanal - s - fasciaMm
        let dx = (abs(x) - cx) / ax, dy = (y - cy) / s
        return dx * dx + dy * dy <= 1
    }

    /// Piecewise-linear interpolation in z of (z, value) pairs, clamped at the ends.
    static func interpolate(_ pairs: [(Double, Double)], _ z: Double) -> Double {
        let s = pairs.sorted { $0.0 > $1.0 }
        if z >= s[0].0 { return s[0].1 }
        for n in 1..<s.count where z >= s[n].0 {
            let t = (s[n - 1].0 - z) / (s[n - 1].0 - s[n].0)
            return s[n - 1].1 + (s[n].1 - s[n - 1].1) * t
        }
        return s.last!.1
    }
}

extension SIMD3 where Scalar == Int {
    init(_ v: Vector3, rounding rule: FloatingPointRoundingRule) {
        self.init(Int(v.x.rounded(rule)), Int(v.y.rounded(rule)), Int(v.z.rounded(rule)))
    }
}
