import ParsGuideCore
import Foundation
import Testing
@testable import Anatomy
import TestSupport

@Suite(.serialized) struct LumbarPhantomTests {
    @Test("Bilateral L5 defects split L5 into exactly two 26-connected pieces; intact L5 is one")
    func l5Components() throws {
        let flagship = try TestSubjects.flagship(), intact = try TestSubjects.subject(defects: [])
        let split = ConnectedComponents.sizes(of: flagship.labels) { $0 == Tissue.l5.rawValue }
        #expect(split.count == 2)
        // The body with pedicles is the larger piece; the free posterior arch is still substantial.
        #expect(split.count == 2 && split[1] > split[0] / 10)
        #expect(ConnectedComponents.sizes(of: intact.labels) { $0 == Tissue.l5.rawValue }.count == 1)
        for level in [Tissue.l2, .l3, .l4, .sacrum] {
            #expect(ConnectedComponents.sizes(of: flagship.labels) { $0 == level.rawValue }.count == 1, "\(level.name)")
        }
        let cleftInFlagship = flagship.labels.voxels.contains(Tissue.parsDefect.rawValue)
        let cleftInIntact = intact.labels.voxels.contains(Tissue.parsDefect.rawValue)
        #expect(cleftInFlagship && !cleftInIntact)
    }

    @Test("A unilateral defect leaves one piece; bilateral defects at L4 split L4", arguments: [SpinalLevel.l4, .l3])
    func otherLevels(_ level: SpinalLevel) throws {
        let uni = try TestSubjects.subject(defects: [ParsDefect(level: level, side: .right)])
        #expect(ConnectedComponents.sizes(of: uni.labels) { $0 == level.tissue.rawValue }.count == 1)
        let bi = try TestSubjects.subject(defects: [ParsDefect(level: level, side: .left), ParsDefect(level: level, side: .right, gapMm: 3)])
        #expect(ConnectedComponents.sizes(of: bi.labels) { $0 == level.tissue.rawValue }.count == 2)
        #expect(bi.labels.voxels.contains(Tissue.parsDefect.rawValue))
        #expect(ConnectedComponents.sizes(of: bi.labels) { $0 == Tissue.l5.rawValue }.count == 1)
    }

    @Test("Every vertebral landmark lies in its own bone (a cut pars in its cleft)")
    func landmarksInBone() throws {
        let s = try TestSubjects.flagship()
        for level in SpinalLevel.modelled {
            #expect(s.labels.value(nearestTo: s.landmarks["\(level.rawValue).bodyCentre"]!) == level.tissue.rawValue)
            #expect(s.labels.value(nearestTo: s.landmarks["\(level.rawValue).spinousProcessTip"]!) == level.tissue.rawValue)
            for side in Side.allCases {
                for part in ["superiorArticularProcess", "inferiorArticularProcess", "pedicle", "lamina", "pars"] {
                    let name = "\(level.rawValue).\(side.rawValue).\(part)"
                    let p = try #require(s.landmarks[name], "\(name) missing")
                    let label = s.labels.value(nearestTo: p)
                    let cut = part == "pars" && s.defects.contains { $0.level == level && $0.side == side }
                    #expect(label == level.tissue.rawValue || (cut && label == Tissue.parsDefect.rawValue), "\(name) lies in label \(label ?? 0)")
                }
            }
        }
        // Anatomical order: SAP above pars above IAP; pedicle in front of the lamina; left is +x.
        let sap = s.landmarks["L5.left.superiorArticularProcess"]!, pars = s.landmarks["L5.left.pars"]!
        let iap = s.landmarks["L5.left.inferiorArticularProcess"]!
        #expect(sap.z > pars.z && pars.z > iap.z)
        #expect(s.landmarks["L5.left.pedicle"]!.y < s.landmarks["L5.left.lamina"]!.y)
        #expect(pars.x > 0 && s.landmarks["L5.right.pars"]!.x < 0)
        let joints = ["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"]
        for joint in joints {
            for side in Side.allCases { #expect(s.landmarks["\(joint).\(side.rawValue).facetJoint"] != nil, "\(joint) \(side)") }
        }
        // Each joint's landmark is its own joint's centroid: consecutive joints lie a segment apart (≥ 15 mm;
        // a landmark pooling two joints' voxels once put L5-S1 10 mm under L4-L5, at the pars), and the
        // L5-S1 joint lies below the L5 pars, beside the L5 IAP.
        for side in Side.allCases {
            let z = joints.compactMap { s.landmarks["\($0).\(side.rawValue).facetJoint"]?.z }
            for (a, b) in zip(z, z.dropFirst()) { #expect(a - b >= 15, "\(side) facet joints \(a) → \(b) mm") }
            let l5s1 = s.landmarks["L5-S1.\(side.rawValue).facetJoint"]!, iapSide = s.landmarks["L5.\(side.rawValue).inferiorArticularProcess"]!
            #expect(l5s1.z < s.landmarks["L5.\(side.rawValue).pars"]!.z - 4 && abs(l5s1.z - iapSide.z) < 8)
        }
        let skin = try #require(s.landmarks["L5.left.skinOverPars"])
        #expect(s.labels.value(nearestTo: skin) == Tissue.skin.rawValue)
        #expect(s.labels.value(nearestTo: skin + Vector3(0, 2, 0)) == 0)
    }

    @Test("The BodyParts3D sacrum is seated: S1 landmarks in bone, joint spaces, disc and slope in range, a canal with the sac below S1 and fat to S3–S4")
    func sacrum() throws {
        let s = try TestSubjects.flagship()
        for side in Side.allCases {
            let sap = try #require(s.landmarks["S1.\(side.rawValue).superiorArticularProcess"])
            #expect(s.labels.value(nearestTo: sap) == Tissue.sacrum.rawValue)
            #expect(sap.x * side.sign > 10)
            let space = try #require(s.measurements["L5-S1.\(side.rawValue).jointSpaceMm"])
            #expect((0.75...2.25).contains(space), "\(side) joint space \(space) mm")
        }
        let s1 = try #require(s.landmarks["S1.endplateCentre"]), promontory = try #require(s.landmarks["sacrum.promontory"])
        #expect(promontory.y < s1.y && abs(promontory.z - s1.z) < 10)  // the anterior edge of S1
        #expect(LumbosacralPlacement.sacralSlopeRangeDegrees.contains(try #require(s.measurements["sacralSlopeDegrees"])))
        #expect(LumbosacralPlacement.discHeightRangeMm.contains(try #require(s.measurements["l5s1DiscHeightMm"])))
        // The thecal sac continues below the S1 endplate; the sacral canal (fat) reaches 35 mm lower in height
        // (≈ S3–S4 along the sloped, curved sacrum; the canal's sections run 4–74 mm deep along it).
        let g = s.labels.grid
        var sacBelowS1 = false, fatDeep = false
        for k in 0..<g.dimensions.z {
            let z = g.world(0, 0, k).z
            guard z < s1.z - 5 else { continue }
            for j in 0..<g.dimensions.y {
                for i in 0..<g.dimensions.x {
                    let v = s.labels[i, j, k]
                    if v == Tissue.dura.rawValue || v == Tissue.cerebrospinalFluid.rawValue { sacBelowS1 = true }
                    if v == Tissue.epiduralFat.rawValue, z < s1.z - 35 { fatDeep = true }
                }
            }
        }
        #expect(sacBelowS1 && fatDeep)
        // One sac: its CSF is a single 26-connected piece from the lumbar canal into the sacral canal. (The solid
        // mesh once left a bony lid over the modelled canal, which cut the sac in three and carved the canal
        // through the S1 body, so that the promontory walk found no bone in front of the endplate centre.)
        let csf = ConnectedComponents.sizes(of: s.labels) { $0 == Tissue.cerebrospinalFluid.rawValue }
        #expect(csf.count == 1, "CSF in \(csf.count) pieces: \(csf)")
        #expect((promontory - s1).length >= 5, "promontory \((promontory - s1).length) mm from the endplate centre")
    }

    @Test("Every facet joint space is one piece, L5–S1 at least 80 % of L4–L5's voxels: S1's facets face L5's across the joint space")
    func facetJointsWhole() throws {
        let s = try TestSubjects.flagship()
        /// The joint-space voxels within 12 mm (each axis) of a joint's landmark, as 26-connected piece sizes.
        func pieces(_ joint: String, _ side: Side) throws -> [Int] {
            let centre = try #require(s.landmarks["\(joint).\(side.rawValue).facetJoint"])
            let g = s.labels.grid, r = Int((12 / g.spacingMm.x).rounded())
            let c = try #require(g.nearestIndex(toWorld: centre))
            var box = Volume<UInt8>(grid: try Grid(dimensions: SIMD3(2 * r + 1, 2 * r + 1, 2 * r + 1), spacingMm: g.spacingMm, originMm: .zero), repeating: 0)
            for k in -r...r { for j in -r...r { for i in -r...r {
                let p = c &+ SIMD3(i, j, k)
                guard (0..<g.dimensions.x).contains(p.x), (0..<g.dimensions.y).contains(p.y), (0..<g.dimensions.z).contains(p.z) else { continue }
                box[i + r, j + r, k + r] = s.labels[p.x, p.y, p.z]
            } } }
            return ConnectedComponents.sizes(of: box) { $0 == Tissue.facetJoint.rawValue }
        }
        for side in Side.allCases {
            let l4l5 = try pieces("L4-L5", side).reduce(0, +)
            for joint in ["L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"] {
                let sizes = try pieces(joint, side), total = sizes.reduce(0, +)
                #expect(total > 0 && Double(sizes[0]) >= 0.95 * Double(total), "\(joint) \(side): pieces \(sizes)")
            }
            // Before the facets were made congruent: 3–6 pieces at 0.5 mm, under two thirds of L4–L5's voxels.
            let l5s1 = try pieces("L5-S1", side).reduce(0, +)
            #expect(Double(l5s1) >= 0.8 * Double(l4l5), "\(side): L5–S1 \(l5s1) voxels against L4–L5 \(l4l5)")
            for joint in ["L1-L2", "L5-S1"] {  // the joints with a BodyParts3D bone, made congruent
                let median = try #require(s.measurements["\(joint).\(side.rawValue).articularGapMedianMm"])
                #expect((1...2).contains(median), "\(joint) \(side) median articular gap \(median) mm")
            }
        }
    }

    @Test("The pelvis: both hip bones at their BodyParts3D volume, the sacroiliac joints between them and the sacrum, the crests inside the body")
    func pelvis() throws {
        let s = try TestSubjects.flagship()
        let scale = try LumbosacralPlacement.standard().registration.transform.scale
        // Header volumes 309.88 (left) and 315.02 cm³ (right), scaled with the fit; 1 mm voxels: within 4 %.
        for (side, header) in [(Side.left, 309.88), (.right, 315.02)] {
            let v = try #require(s.measurements["ilium.\(side.rawValue).volumeCm3"])
            #expect(abs(v - header * pow(scale, 3)) < 0.04 * header, "\(side) hip bone \(v) cm³")
            let joint = try #require(s.measurements["sacroiliacJoint.\(side.rawValue).volumeCm3"])
            #expect(joint > 1, "\(side) sacroiliac joint \(joint) cm³")
            let crest = try #require(s.landmarks["ilium.\(side.rawValue).crestTop"])
            #expect(crest.x * side.sign > 40)
            // Inside the body, under soft tissue: straight up from the crest top there is tissue, then skin.
            #expect(s.labels.value(nearestTo: crest + Vector3(0, 0, 3)).map { $0 != 0 } == true)
        }
        // The joint space touches both bones.
        let g = s.labels.grid
        var touchesSacrum = false, touchesIlium = false
        for k in 1..<(g.dimensions.z - 1) {
            for j in 1..<(g.dimensions.y - 1) {
                for i in 1..<(g.dimensions.x - 1) where s.labels[i, j, k] == Tissue.sacroiliacJoint.rawValue {
                    for (a, b) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                        let n = s.labels[i + a, j + b, k]
                        if n == Tissue.sacrum.rawValue { touchesSacrum = true }
                        if n == Tissue.ilium.rawValue { touchesIlium = true }
                    }
                }
            }
        }
        #expect(touchesSacrum && touchesIlium)
    }

    /// The intercristal (Tuffier's) line crosses the L4 body or the L4–L5 disc in most men and varies from
    /// the L4 body to the L5 body overall (Snider 2008, *Spine* 33:E161, 260 radiographs; in 80 % of 296
    /// radiographs between the lower third of L4 and the upper third of L5, North Cyprus study).
    @Test("The intercristal line crosses the spine between the L4 body and the L5 body")
    func intercristalLine() throws {
        let s = try TestSubjects.flagship()
        let z = try #require(s.measurements["intercristalLineZMm"])
        let l4 = try #require(s.landmarks["L4.bodyCentre"]), l5 = try #require(s.landmarks["L5.bodyCentre"])
        // From the L4 superior endplate (≈ 12 mm above the body centre) down to the L5 body centre.
        #expect(z < l4.z + 12 && z > l5.z, "intercristal line at z = \(z) mm; L4 centre \(l4.z), L5 centre \(l5.z)")
        #expect(s.landmarks["L1.bodyCentre"] != nil && s.landmarks["L1-L2.left.facetJoint"] != nil)
    }

    @Test("Every structure of the contract is present", arguments: [
        Tissue.l1, .l2, .l3, .l4, .l5, .sacrum, .skin, .subcutaneousFat, .muscle, .ligament, .intervertebralDisc,
        .dura, .cerebrospinalFluid, .nerveRoot, .facetJoint, .parsDefect, .otherSoftTissue, .epiduralFat, .ilium, .sacroiliacJoint,
        .multifidus, .erectorSpinae, .fascia, .psoas, .quadratusLumborum,
    ])
    func structurePresent(_ tissue: Tissue) throws {
        let s = try TestSubjects.flagship()
        let present = s.labels.voxels.contains(tissue.rawValue)
        #expect(present)
    }

    /// Skin-to-epidural depth at the L4-5 midline (Cha 2011, 4.6 ± 0.69 cm; regression 3.33 + 0.05 × BMI cm,
    /// SD 0.83 cm, PMID 29951458): the model must fall within one SD of the regression.
    @Test("Depth to the epidural space follows BMI within the published spread", arguments: [(170.0, 55.0), (177, 74), (175, 95), (170, 118)])
    func depthVersusBMI(_ size: (Double, Double)) throws {
        let habitus = try Habitus(heightCm: size.0, weightKg: size.1, sex: .male, ageYears: 51)
        let s = try TestSubjects.subject(defects: [], habitus: habitus)
        let depth = try #require(s.measurements["skinToEpiduralL4L5Mm"])
        #expect(abs(depth - habitus.skinToEpiduralDepthMm) <= 8.3, "BMI \(habitus.bodyMassIndex): \(depth) mm vs \(habitus.skinToEpiduralDepthMm)")
        #expect(s.measurements["subcutaneousFatMm"]! >= LumbarPhantom.Layers.minimumFatMm)
    }

    @Test("Skin-to-lamina depth at L5 lies in the facet-depth range 3.15 ± 0.5 cm at normal BMI (Galiano 2005)")
    func laminaDepth() throws {
        let s = try TestSubjects.flagship()
        for side in Side.allCases {
            let d = try #require(s.measurements["L5.\(side.rawValue).skinToLaminaDepthMm"])
            #expect((26.5...36.5).contains(d), "\(side): \(d) mm")
        }
        let heavy = try TestSubjects.subject(defects: [], habitus: try Habitus(heightCm: 170, weightKg: 118, sex: .male, ageYears: 51))
        #expect(heavy.measurements["L5.left.skinToLaminaDepthMm"]! > s.measurements["L5.left.skinToLaminaDepthMm"]!)
        #expect(heavy.measurements["subcutaneousFatMm"]! > s.measurements["subcutaneousFatMm"]!)
    }

    /// Psoas major and quadratus lumborum: their own labels, each side's cross-section within one SD of the MRI
    /// means of healthy adults at the disc where it is largest (Ivanac 2026, *Med Sci Monit* 32:e951651,
    /// Table 2, controls: psoas 1775 ± 509 mm² at L4-L5, quadratus lumborum 707 ± 303 mm² at L3-L4), the
    /// quadratus ending on the iliac crest, and both tapering along the body: a muscle that started or stopped
    /// abruptly would change its area by ≥ 343 mm² (the smallest tabulated area) between two slices.
    @Test("Psoas and quadratus lumborum have their MRI cross-sections, end where they should and never step")
    func deepMuscles() throws {
        let s = try TestSubjects.flagship()
        let g = s.labels.grid
        let voxelMm2 = g.spacingMm.x * g.spacingMm.y
        /// One side's area of `tissue` on the axial slice nearest z, mm² (left is +x in LPS).
        func area(_ tissue: Tissue, _ z: Double, left: Bool) throws -> Double {
            let k = try #require(g.nearestIndex(toWorld: Vector3(0, 0, z))).z
            var n = 0
            for j in 0..<g.dimensions.y {
                for i in 0..<g.dimensions.x where s.labels[i, j, k] == tissue.rawValue && (g.world(i, j, k).x > 0) == left { n += 1 }
            }
            return Double(n) * voxelMm2
        }
        let centre = try [SpinalLevel.l1, .l2, .l3, .l4, .l5].map { try #require(s.landmarks["\($0.rawValue).bodyCentre"]).z }
        let z34 = (centre[2] + centre[3]) / 2, z45 = (centre[3] + centre[4]) / 2
        let crest = max(try #require(s.landmarks["ilium.left.crestTop"]).z, try #require(s.landmarks["ilium.right.crestTop"]).z)
        for left in [true, false] {
            let psoas = try area(.psoas, z45, left: left), quadratus = try area(.quadratusLumborum, z34, left: left)
            #expect(abs(psoas - 1775) <= 509, "psoas at L4-L5, \(left ? "left" : "right"): \(psoas) mm²")
            #expect(abs(quadratus - 707) <= 303, "quadratus lumborum at L3-L4, \(left ? "left" : "right"): \(quadratus) mm²")
            #expect(try area(.quadratusLumborum, crest - 2, left: left) == 0, "the quadratus lumborum goes on below the crest")
            #expect(try area(.psoas, centre[0] + 3, left: left) == 0, "the psoas starts above the L1 body's centre")
            for tissue in [Tissue.psoas, .quadratusLumborum] {
                var previous: Double?, worst = 0.0
                for z in stride(from: g.world(0, 0, g.dimensions.z - 1).z, through: g.world(0, 0, 0).z, by: -g.spacingMm.z) {
                    let a = try area(tissue, z, left: left)
                    if let p = previous { worst = max(worst, abs(a - p)) }
                    previous = a
                }
                #expect(worst <= 150, "\(tissue.name), \(left ? "left" : "right"): its area jumps \(worst) mm² between slices")
            }
        }
    }

    /// The back is not a flat ellipse: over the lumbar spine the skin rises lateral to the midline (the
    /// furrow over the spinous processes), below the iliac crests over the buttocks (the intergluteal cleft
    /// between them), and along the body it changes smoothly — no step where a rise starts or stops.
    @Test("The back has its midline furrow, paraspinal rise and buttocks, and no step along the body")
    func backContour() throws {
        let s = try TestSubjects.flagship()
        let g = s.labels.grid
        /// The most posterior skin point (largest y) at lateral x, height z.
        func back(_ x: Double, _ z: Double) throws -> Double {
            var y = g.world(0, g.dimensions.y - 1, 0).y
            while y > g.world(0, 0, 0).y, (s.labels.value(nearestTo: Vector3(x, y, z)) ?? 0) == 0 { y -= 0.25 }
            return y
        }
        let l4 = try #require(s.landmarks["L4.bodyCentre"]).z
        let crest = try #require(s.landmarks["ilium.left.crestTop"]).z
        let midline = try back(0, l4)
        for x in [-40.0, 40] {
            let rise = try back(x, l4) - midline
            #expect(rise >= 1.5 && rise <= 12, "paraspinal at x = \(x), L4: \(rise) mm above the midline")
        }
        let low = crest - 110
        for x in [-65.0, 65] {
            let rise = try back(x, low) - (try back(0, low))
            #expect(rise >= 15, "buttock at x = \(x), 110 mm below the crest: only \(rise) mm above the cleft")
        }
        // Along the body, 1 mm apart, the back at 40 and 65 mm out moves at most 2.5 mm from slice to slice:
        // the slope where the buttocks curve under (up to ≈ 1.5 mm/mm) plus one voxel; a step where a
        // modelled rise began or ended would jump by its height.
        for x in [40.0, 65] {
            var previous: Double?, worst = 0.0
            for z in stride(from: l4 + 40, through: crest - 120, by: -1) {
                let y = try back(x, z)
                if let p = previous { worst = max(worst, abs(y - p)) }
                previous = y
            }
            #expect(worst <= 2.5, "the back at x = \(x) jumps \(worst) mm between slices 1 mm apart")
        }
        #expect(abs((s.measurements["paraspinalRiseMm"] ?? 0) - SoftTissueStage.paraspinalRiseMm) < 0.1, "a lean back keeps its full rise")
    }

    /// Above L1's spinous process the model has no T12; the back there holds the depth of L1's tip instead of
    /// falling with L1's lamina and body (it fell 22 mm over L1's top 30 mm, shearing the torso: an AP shot's
    /// upward rays then crossed 13 mm less tissue near the top, a ramp of 0.3 in −ln(I/I₀)).
    @Test("The back does not fall away above L1")
    func theBackHoldsAboveL1() throws {
        let s = try TestSubjects.flagship()
        let g = s.labels.grid
        let tip = try #require(s.landmarks["L1.spinousProcessTip"])
        func back(_ x: Double, _ z: Double) -> Double {
            var y = g.world(0, g.dimensions.y - 1, 0).y
            while y > g.world(0, 0, 0).y, (s.labels.value(nearestTo: Vector3(x, y, z)) ?? 0) == 0 { y -= 0.25 }
            return y
        }
        let top = g.world(0, 0, g.dimensions.z - 1).z
        for x in [-60.0, 0, 60] {
            let fall = back(x, tip.z) - back(x, top)
            #expect(abs(fall) <= 4, "the back at x = \(x) falls \(fall) mm between L1's tip (z \(tip.z)) and the top (z \(top))")
        }
    }

    /// The flanks widen over the hip bones gradually: the body's outermost voxel on each side moves at most
    /// one voxel from slice to slice, from above L3 to below the pelvis. (The widening once averaged zeros in
    /// above the crests, and the flank stepped out by 1.5–3 mm within one slice at the crest's level.)
    @Test("The flanks widen over the hips without a step")
    func flanksWidenWithoutAStep() throws {
        let s = try TestSubjects.flagship()
        let g = s.labels.grid, d = g.dimensions
        let l3 = try #require(s.landmarks["L3.bodyCentre"])
        let top = try #require(g.nearestIndex(toWorld: Vector3(0, 0, l3.z))).z
        var previous: (Int, Int)?, worst = 0, widest = 0, narrowest = Int.max
        for k in 0...top {
            var lo = Int.max, hi = Int.min
            for j in 0..<d.y {
                let row = g.linearIndex(0, j, k)
                if let i = (0..<d.x).first(where: { s.labels.voxels[row + $0] != 0 }) { lo = min(lo, i) }
                if let i = (0..<d.x).last(where: { s.labels.voxels[row + $0] != 0 }) { hi = max(hi, i) }
            }
            try #require(lo <= hi, "slice \(k) holds no body")
            if let (pl, ph) = previous { worst = max(worst, abs(lo - pl), abs(hi - ph)) }
            previous = (lo, hi)
            widest = max(widest, hi - lo); narrowest = min(narrowest, hi - lo)
        }
        #expect(worst <= 1, "the flank moves \(worst) voxels between neighbouring slices")
        #expect(Double(widest - narrowest) * g.spacingMm.x > 4, "the body widens over the hips: \(widest - narrowest) voxels")
    }

    @Test("Synthetic CT: fat near −100 HU, cortical shell brighter than cancellous bone, seeded texture")
    func syntheticCT() throws {
        let s = try TestSubjects.flagship()
        var fat: [Double] = [], bone: [Double] = []
        for (l, v) in zip(s.labels.voxels, s.ct.voxels) {
            if l == Tissue.subcutaneousFat.rawValue { fat.append(Double(v)) }
            if l == Tissue.l3.rawValue { bone.append(Double(v)) }
        }
        let fatMean = fat.reduce(0, +) / Double(fat.count)
        #expect(abs(fatMean - HounsfieldTable().fat) < 3)
        #expect(Set(fat).count > 5)  // textured, not flat
        #expect(bone.contains { $0 > 800 } && bone.contains { $0 < 400 })
        let same = try TestSubjects.subject(seed: 1), other = try TestSubjects.subject(seed: 2)
        let sameCT = same.ct.voxels == s.ct.voxels, sameLabels = same.labels.voxels == s.labels.voxels
        #expect(sameCT && sameLabels)
        let otherCT = other.ct.voxels == s.ct.voxels, otherLabels = other.labels.voxels == s.labels.voxels
        #expect(!otherCT && otherLabels)
    }

    @Test("Out-of-range habitus, gap, voxel size and unknown defects are refused with the value named")
    func badInputs() throws {
        #expect(throws: ParameterOutOfRange(parameter: PhysicalParameter(name: "height", unit: "cm", range: 120...220), value: 119)) {
            try Habitus(heightCm: 119, weightKg: 70, sex: .male, ageYears: 40)
        }
        #expect(throws: ParameterOutOfRange.self) { try Habitus(heightCm: 170, weightKg: 251, sex: .male, ageYears: 40) }
        #expect(throws: ParameterOutOfRange(parameter: PhysicalParameter(name: "gap", unit: "mm", range: 0.5...10), value: 11)) {
            try ParsDefect.parseList("L5-left", gapMm: 11)
        }
        #expect(throws: UnknownChoice.self) { try ParsDefect.parseList("L6-left") }
        #expect(throws: UnknownChoice.self) { try ParsDefect.parseList("L5-middle") }
        #expect(throws: UnknownChoice.self) { try ParsDefect.parseList("S1-left") }
        #expect(try ParsDefect.parseList("none").isEmpty)
        #expect(try ParsDefect.parseList("l4-Left, L5-right").map(\.name) == ["L4-left", "L5-right"])
        var o = PhantomOptions()
        o.voxelMm = 0.1
        #expect(throws: ParameterOutOfRange.self) { try o.validated() }
        let message = ParameterOutOfRange(parameter: PhysicalParameter(name: "voxel size", unit: "mm", range: 0.2...2), value: 0.1).description
        #expect(message.contains("0.1") && message.contains("0.2–2"))
    }
}
