import Anatomy
import Foundation
import Testing
@testable import Fluoroscopy

/// Known answers on analytic CT phantoms (world = LPS mm, grid centred on the origin).
@Suite struct DRRTests {
    /// A cubic CT of `n` voxels of `voxelMm`, air outside `inside`, HU from `hu`.
    static func phantom(n: Int = 64, voxelMm: Double = 1, _ hu: (Vector3) -> Int16) -> Volume<Int16> {
        let half = Double(n) * voxelMm / 2
        let grid = try! Grid(dimensions: SIMD3(n, n, n), spacingMm: Vector3(voxelMm, voxelMm, voxelMm),
                             originMm: Vector3(-half + voxelMm / 2, -half + voxelMm / 2, -half + voxelMm / 2))
        var v = [Int16](repeating: -1000, count: grid.voxelCount)
        for k in 0..<n { for j in 0..<n { for i in 0..<n { v[grid.linearIndex(i, j, k)] = hu(grid.world(i, j, k)) } } }
        return Volume(grid: grid, voxels: v)
    }

    static func carm(_ view: CArm.View = .ap, pixels: Int = 96, detectorMm: Double = 120) throws -> CArm {
        try CArm(isocentreMm: .zero, sourceDirection: view.sourceDirection(), sadMm: 700, sidMm: 1000, detectorMm: detectorMm, pixels: pixels)
    }

    /// Chord of a ray through an axis-aligned box, mm.
    static func chord(_ s: Vector3, _ d: Vector3, lo: Vector3, hi: Vector3) -> Double {
        var t0 = -Double.infinity, t1 = Double.infinity
        for a in 0..<3 {
            if abs(d[a]) < 1e-12 { if s[a] < lo[a] || s[a] > hi[a] { return 0 }; continue }
            var u0 = (lo[a] - s[a]) / d[a], u1 = (hi[a] - s[a]) / d[a]
            if u0 > u1 { swap(&u0, &u1) }
            t0 = max(t0, u0); t1 = min(t1, u1)
        }
        return max(0, t1 - t0)
    }

    @Test(arguments: [CArm.View.ap, .obliqueLeft, .lateral])
    func uniformCubeLineIntegralsAreMuTimesChord(view: CArm.View) throws {
        // A water cube of 40 mm whose faces lie on voxel boundaries: exact traversal must be exact.
        let ct = Self.phantom { p in abs(p.x) < 20 && abs(p.y) < 20 && abs(p.z) < 20 ? 0 : -1000 }
        let renderer = DRRRenderer(volume: try AttenuationVolume(hounsfield: ct))
        var carm = try Self.carm(view)
        carm.sourceDirection = (carm.sourceDirection + Vector3(0.05, 0.02, 0.1)).normalized  // oblique rays on every axis
        let image = renderer.render(carm, Exposure(spectrum: try .monochromatic(keV: 60), waterScaledMonochromatic: true))
        let mu = XRayMaterial.water.massAttenuation(keV: 60) / 10  // per mm
        var worst = 0.0, hits = 0
        for row in 0..<carm.pixels {
            for column in 0..<carm.pixels {
                let p = carm.detectorPoint(column: Double(column), row: Double(row))
                let d = (p - carm.sourceMm).normalized
                let expected = mu * Self.chord(carm.sourceMm, d, lo: Vector3(-20, -20, -20), hi: Vector3(20, 20, 20))
                let got = Double(image.lineIntegral[row * carm.pixels + column])
                if expected > 0 { hits += 1; worst = max(worst, abs(got - expected) / expected) } else { #expect(abs(got) < 1e-6) }
            }
        }
        #expect(hits > 1000)
        #expect(worst < 0.005, "worst relative error \(worst)")
    }

    /// The vector slab walk (8 and 16 rays a packet, as the processor allows) gives the voxel walk's line integrals: a textured phantom
    /// on an anisotropic grid, in the standard views and in views tilted off every axis (shallow and
    /// steep minor slopes, packets too close to 45° for slabs fall back), polychromatic and monochromatic.
    /// Tolerance: 2·10⁻⁴ relative, or 10⁻⁵ absolute for rays that barely graze the phantom (the kernel
    /// places boundaries in Float: ≈ 0.3 µm of water at a grazing corner).
    @Test(arguments: [Vector3(0, -1, 0), Vector3(-1, 0, 0), Vector3(0, 0, 1), Vector3(-0.57, -0.82, 0),
                      Vector3(-0.7, -0.7, 0.14), Vector3(0.3, -0.5, 0.81), Vector3(0.02, -0.99, 0.05)])
    func packetKernelGivesTheVoxelWalksIntegrals(sourceDirection: Vector3) throws {
        try #require(!DRRRenderer.packetWidths.isEmpty, "this processor has no AVX2: the scalar walk serves every ray")
        var state: UInt64 = 99
        let grid = try Grid(dimensions: SIMD3(40, 52, 23), spacingMm: Vector3(1.3, 1.1, 2.5), originMm: Vector3(-26, -28, -28))
        var hu = [Int16](repeating: -1000, count: grid.voxelCount)
        for k in 0..<23 { for j in 0..<52 { for i in 0..<40 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let p = grid.world(i, j, k)
            // Air, soft tissue, bone beyond cortical (the clipped water part) and a gap of air.
            if p.x * p.x + p.y * p.y < 24 * 24, abs(p.z) < 25, abs(p.x - 3) > 2 {
                hu[grid.linearIndex(i, j, k)] = Int16(Int(state >> 53) % 3000 - 900)
            }
        } } }
        let volume = try AttenuationVolume(hounsfield: Volume(grid: grid, voxels: hu))
        let carm = try CArm(isocentreMm: Vector3(1, -2, 3), sourceDirection: sourceDirection, up: abs(sourceDirection.z) > 0.9 ? Vector3(0, 1, 0) : Vector3(0, 0, 1),
                            sadMm: 300, sidMm: 500, detectorMm: 160, pixels: 67)
        for exposure in [Exposure(spectrum: try .tungsten(kVp: 80)), Exposure(spectrum: try .monochromatic(keV: 60), waterScaledMonochromatic: true)] {
          for width in DRRRenderer.packetWidths {
            var walk = DRRRenderer(volume: volume), packets = DRRRenderer(volume: volume)
            walk.vectorKernel = false
            packets.packetWidth = width
            let a = walk.render(carm, exposure), b = packets.render(carm, exposure)
            var worst: Float = 0, hit = 0
            for (x, y) in zip(a.lineIntegral, b.lineIntegral) {
                if x > 0.01 { hit += 1 }
                worst = max(worst, abs(x - y) / max(x, 0.05))
            }
            #expect(hit > 67 * 67 / 6)
            #expect(worst < 2e-4, "\(width) rays a packet: largest relative difference \(worst)")
          }
        }
    }

    /// With uniform blocks crossed 8 slabs at a time, the packet kernel still gives the voxel walk's
    /// integrals: a sphere and a box whose faces lie off the block grid, a textured corner (mixed
    /// blocks), and tissue against the grid's far edges, whose partial blocks must not carry it further.
    @Test(arguments: [Vector3(0, -1, 0), Vector3(-1, 0, 0), Vector3(-0.57, -0.82, 0.1), Vector3(0.2, 0.3, 0.93)])
    func packetKernelCrossesUniformBlocksExactly(sourceDirection: Vector3) throws {
        try #require(!DRRRenderer.packetWidths.isEmpty, "this processor has no AVX2: the scalar walk serves every ray")
        let grid = try Grid(dimensions: SIMD3(121, 107, 89), spacingMm: Vector3(0.5, 0.6, 0.7), originMm: Vector3(-30, -32, -31))
        var hu = [Int16](repeating: -1000, count: grid.voxelCount)
        for k in 0..<89 { for j in 0..<107 { for i in 0..<121 {
            let p = grid.world(i, j, k), v = grid.linearIndex(i, j, k)
            if (p - Vector3(5, -3, 2)).length < 9.3 { hu[v] = 1200 }
            else if abs(p.x) < 21.5 && abs(p.y) < 17.2 && abs(p.z) < 25.7 { hu[v] = 40 }
            else if p.x > 24 && p.y > 0 { hu[v] = Int16(Int((p.z + 40) * 37) % 300) }
            else if i >= 118 || j >= 104 || k >= 86 { hu[v] = 300 }
        } } }
        let volume = try AttenuationVolume(hounsfield: Volume(grid: grid, voxels: hu))
        let uniform = volume.blocks.uniformMaterialFraction
        #expect(uniform > 0.2 && uniform < 0.9, "uniform fraction \(uniform)")
        let carm = try CArm(isocentreMm: Vector3(2, 1, -1), sourceDirection: sourceDirection, up: Vector3(0, 0, 1),
                            sadMm: 300, sidMm: 500, detectorMm: 200, pixels: 72)
        let exposure = Exposure(spectrum: try .monochromatic(keV: 60), waterScaledMonochromatic: true)
        var walk = DRRRenderer(volume: volume)
        walk.vectorKernel = false
        walk.crossBlocks = false
        let a = walk.render(carm, exposure)
        for width in DRRRenderer.packetWidths {
            var packets = DRRRenderer(volume: volume)
            packets.crossBlocks = true
            packets.packetWidth = width
            let b = packets.render(carm, exposure)
            var worst: Float = 0, at = 0
            for (i, (x, y)) in zip(a.lineIntegral, b.lineIntegral).enumerated() where abs(x - y) / max(x, 0.05) > worst { worst = abs(x - y) / max(x, 0.05); at = i }
            #expect(worst < 2e-4, "\(width) rays a packet: largest relative difference \(worst) at pixel \(at): \(a.lineIntegral[at]) against \(b.lineIntegral[at])")
        }
    }

    /// The packet kernel's density formula is the scalar walks' table, code by code.
    @Test func densityTablesFollowTheirFormula() {
        for (formula, table) in [(AttenuationVolume.materials, AttenuationVolume.densities), (AttenuationVolume.relativeToWater, AttenuationVolume.monochromatic)] {
            for code in 0..<AttenuationVolume.codeCount {
                let h = Double(code - 1024)
                #expect(abs(Double(table[code].x) - formula.first(hu: h)) < 1e-6 && abs(Double(table[code].y) - formula.second(hu: h)) < 1e-6)
            }
        }
        // Air contributes nothing, water is 1 g/cm³, cortical bone is all bone.
        #expect(AttenuationVolume.densities[Int(AttenuationVolume.airCode)] == .zero)
        #expect(AttenuationVolume.densities[1024] == SIMD2(1, 0))
        #expect(abs(AttenuationVolume.densities[1024 + 1935].x) < 1e-6 && abs(AttenuationVolume.densities[1024 + 1935].y - 1.92) < 1e-5)
    }

    /// Crossing uniform blocks in one step gives the voxel walk's line integrals: seeded random rays
    /// through a box and a sphere whose faces lie off the block grid, and a textured region (mixed blocks).
    @Test func uniformBlocksGiveTheVoxelWalksIntegrals() throws {
        let ct = Self.phantom(n: 64, voxelMm: 1) { p in
            if (p - Vector3(5, -3, 2)).length < 9.3 { return 1200 }
            if abs(p.x) < 21.5 && abs(p.y) < 17.2 && abs(p.z) < 25.7 { return 40 }
            if p.x > 24 && p.y > 0 { return Int16(Int((p.z + 40) * 37) % 300) }
            return -1000
        }
        let volume = try AttenuationVolume(hounsfield: ct)
        let uniform = volume.blocks.uniformMaterialFraction
        #expect(uniform > 0.1 && uniform < 0.9, "uniform fraction \(uniform)")
        let box = try #require(volume.occupied)
        let traversal = VoxelTraversal(grid: volume.grid, lower: box.lower, upper: box.upper)
        var state: UInt64 = 7
        func uniform01() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var worst: Float = 0, crossing = 0
        AttenuationVolume.densities.withUnsafeBufferPointer { table in
            let table = UnsafeRawPointer(table.baseAddress!).assumingMemoryBound(to: Float.self)
            volume.codes.withUnsafeBufferPointer { codes in
                volume.blocks.codes.withUnsafeBufferPointer { blocks in
                    for _ in 0..<3000 {
                        let source = Vector3(uniform01() - 0.5, uniform01() - 0.5, uniform01() - 0.5).normalized * 300
                        let aim = Vector3(uniform01() - 0.5, uniform01() - 0.5, uniform01() - 0.5) * 60
                        let d = (aim - source).normalized
                        let plain = traversal.integrate(start: source, direction: d, lengthMm: 600, codes: codes.baseAddress!, table: table)
                        let fast = traversal.integrateBlocks(start: source, direction: d, lengthMm: 600, codes: codes.baseAddress!, table: table,
                                                             blocks: blocks.baseAddress!, blockDimensions: volume.blocks.dimensions)
                        if plain.x > 0 { crossing += 1 }
                        worst = max(worst, abs(plain.x - fast.x) / max(plain.x, 1e-3), abs(plain.y - fast.y) / max(plain.y, 1e-3))
                    }
                }
            }
        }
        #expect(crossing > 1500)
        #expect(worst < 1e-5, "largest relative difference \(worst)")
    }

    @Test func blocksAreUniformOnlyWhenEveryVoxelAgrees() throws {
        // 16³ of water with an air voxel in the first corner and a bone voxel in the last: 6 of the
        // 8 blocks are uniform.
        let ct = Self.phantom(n: 16, voxelMm: 1) { p in p.x > 6 && p.y > 6 && p.z > 6 ? 1000 : (p.x < -7 && p.y < -7 && p.z < -7 ? -1000 : 0) }
        let blocks = try AttenuationVolume(hounsfield: ct).blocks
        #expect(blocks.dimensions == SIMD3(2, 2, 2))
        #expect(blocks.codes.filter { $0 >= 0 }.count == 6)
        #expect(blocks.codes[0] == -1 && blocks.codes[7] == -1)
        #expect(blocks.uniformMaterialFraction == 6.0 / 8)
    }

    /// A subject's soft tissue is rendered at each label's mean HU; bone and air keep their voxels.
    @Test func subjectSoftTissueTakesItsLabelMean() throws {
        let grid = try Grid(dimensions: SIMD3(4, 1, 1), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        let hu = Volume<Int16>(grid: grid, voxels: [30, 50, 400, -1000])
        let labels = Volume<UInt8>(grid: grid, voxels: [Tissue.muscle.rawValue, Tissue.muscle.rawValue, Tissue.l5.rawValue, Tissue.air.rawValue])
        let volume = try AttenuationVolume(subjectCT: hu, labels: labels)
        let expected: [UInt16] = [40 + 1024, 40 + 1024, 400 + 1024, AttenuationVolume.airCode]
        #expect(volume.codes == expected)
    }

    /// Partial volume where soft labels meet: a boundary voxel takes the mean of its 3 × 3 × 3 soft (and pelvic)
    /// neighbours; a vertebra voxel keeps its value and is left out of its neighbours' means; a soft voxel whose
    /// only other neighbour is a vertebra keeps its label's mean.
    @Test func softBoundariesTakeTheMeanOfTheirNeighbourhood() throws {
        let n = 5
        let grid = try Grid(dimensions: SIMD3(n, n, n), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + n * (j + n * k) }
        var labels = Volume<UInt8>(grid: grid, repeating: Tissue.muscle.rawValue)
        var hu = Volume<Int16>(grid: grid, repeating: 40)
        for k in 0..<n { for j in 0..<n { for i in 0..<2 {
            labels.voxels[index(i, j, k)] = Tissue.subcutaneousFat.rawValue; hu.voxels[index(i, j, k)] = -100
        } } }
        labels.voxels[index(3, 2, 2)] = Tissue.l5.rawValue; hu.voxels[index(3, 2, 2)] = 700
        labels.voxels[index(0, 0, 0)] = Tissue.air.rawValue; hu.voxels[index(0, 0, 0)] = -1000  // air somewhere
        let volume = try AttenuationVolume(subjectCT: hu, labels: labels)
        // Fat beside muscle: 18 fat and 9 muscle neighbours.
        #expect(volume.hounsfield(atVoxel: index(1, 2, 2)) == Int((Double(18 * -100 + 9 * 40) / 27).rounded()))
        // Muscle beside fat and the vertebra: 9 fat and 17 muscle (the vertebra is left out).
        #expect(volume.hounsfield(atVoxel: index(2, 2, 2)) == Int((Double(9 * -100 + 17 * 40) / 26).rounded()))
        #expect(volume.hounsfield(atVoxel: index(3, 2, 2)) == 700, "the vertebra keeps its value")
        #expect(volume.hounsfield(atVoxel: index(3, 1, 2)) == 40, "beside the vertebra only: the label's mean")
        #expect(volume.hounsfield(atVoxel: index(3, 3, 3)) == 40, "inside the muscle: the label's mean")
    }

    /// The staircase of a smooth surface, seen by an exact line integral, draws stripes along it: an elliptic
    /// body of fat around muscle (an extruded ellipse, as the torso nearly is) shot AP. With the boundaries'
    /// partial volume the stripes between neighbouring columns are at most half as strong (measured: 0.0067 against 0.019,
    /// 0.35×, at 1 mm voxels on a 64² detector).
    @Test func partialVolumeTamesTheStaircaseOfASmoothBody() throws {
        let fat = Tissue.subcutaneousFat.rawValue, muscle = Tissue.muscle.rawValue
        func label(_ p: Vector3) -> UInt8 {
            let e = (p.x / 29) * (p.x / 29) + (p.y / 19) * (p.y / 19)
            return e > 1 ? Tissue.air.rawValue : ((p.x / 22) * (p.x / 22) + (p.y / 12) * (p.y / 12) > 1 ? fat : muscle)
        }
        let ct = Self.phantom(n: 64, voxelMm: 1) { p in [Tissue.air.rawValue: -1000, fat: -100, muscle: 40][label(p)]! }
        let labels = Volume<UInt8>(grid: ct.grid, voxels: ct.voxels.indices.map { label(ct.grid.world($0 % 64, ($0 / 64) % 64, $0 / 4096)) })
        let carm = try Self.carm(.ap, pixels: 64, detectorMm: 90)
        let exposure = Exposure(spectrum: try .monochromatic(keV: 60), waterScaledMonochromatic: true)
        /// The columns' mean second difference across the body's flanks: stripes that run along the body.
        func stripes(_ volume: AttenuationVolume) -> Double {
            let image = DRRRenderer(volume: volume).render(carm, exposure).lineIntegral.map(Double.init)
            var sum = 0.0, count = 0.0
            for column in Array(6..<22) + Array(42..<58) {
                var d = 0.0
                for row in 16..<48 { d += image[row * 64 + column - 1] - 2 * image[row * 64 + column] + image[row * 64 + column + 1] }
                sum += (d / 32) * (d / 32); count += 1
            }
            return (sum / count).squareRoot()
        }
        let stepped = stripes(try AttenuationVolume(hounsfield: ct)), blended = stripes(try AttenuationVolume(subjectCT: ct, labels: labels))
        #expect(stepped > 0.01, "the staircase draws stripes: \(stepped)")
        #expect(blended < 0.5 * stepped, "partial volume: \(blended) against \(stepped)")
    }

    @Test(arguments: [CArm.View.ap, .obliqueRight, .lateral])
    func aBeadLandsWhereTheProjectionMatrixSays(view: CArm.View) throws {
        let bead = Vector3(6.25, -4.75, 8.25)
        let ct = Self.phantom(voxelMm: 0.5) { p in (p - bead).length < 0.8 ? 3000 : -1000 }
        let renderer = DRRRenderer(volume: try AttenuationVolume(hounsfield: ct))
        let carm = try Self.carm(view, pixels: 128, detectorMm: 80)
        let image = renderer.render(carm, Exposure(spectrum: try .monochromatic(keV: 60), waterScaledMonochromatic: true))
        // Centroid of the bead's shadow.
        var sx = 0.0, sy = 0.0, sw = 0.0
        for row in 0..<carm.pixels { for column in 0..<carm.pixels {
            let w = Double(image.lineIntegral[row * carm.pixels + column])
            sx += w * Double(column); sy += w * Double(row); sw += w
        } }
        let predicted = try #require(carm.project(bead))
        #expect(abs(sx / sw - predicted.column) < 0.5 && abs(sy / sw - predicted.row) < 0.5,
                "bead at (\(sx / sw), \(sy / sw)), predicted \(predicted)")
    }

    @Test func radiologicalConvention() throws {
        // AP for the prone patient: the source is anterior, the patient's left (+x) on the image's right,
        // the head (+z) at the top. Lateral with the source on the patient's right: anterior (−y) on the right.
        let ap = try Self.carm(.ap), lateral = try Self.carm(.lateral)
        let c = Double(ap.pixels - 1) / 2
        #expect(ap.sourceMm.y < 0)
        #expect(try #require(ap.project(Vector3(10, 0, 0))).column > c)
        #expect(try #require(ap.project(Vector3(0, 0, 10))).row < c)
        #expect(lateral.sourceMm.x < 0)
        #expect(try #require(lateral.project(Vector3(0, -10, 0))).column > c)
        // The ipsilateral left oblique swings the detector toward the patient's left.
        let oblique = try Self.carm(.obliqueLeft)
        #expect(oblique.detectorCentreMm.x > 0 && oblique.sourceMm.x < 0)
    }

    @Test func aMidlineSymmetricPhantomGivesASymmetricAPImage() throws {
        let ct = Self.phantom { p in
            if abs(p.x) > 18 && abs(p.x) < 24 && abs(p.z) < 10 { return 1200 }   // paired "pedicles"
            return p.x * p.x + p.y * p.y < 28 * 28 ? 40 : -1000                  // a soft-tissue cylinder
        }
        let renderer = DRRRenderer(volume: try AttenuationVolume(hounsfield: ct))
        let carm = try Self.carm(.ap)
        let image = renderer.render(carm, Exposure(spectrum: try .tungsten(kVp: 80)))
        var worst: Float = 0
        for row in 0..<carm.pixels { for column in 0..<carm.pixels / 2 {
            let a = image.lineIntegral[row * carm.pixels + column], b = image.lineIntegral[row * carm.pixels + carm.pixels - 1 - column]
            worst = max(worst, abs(a - b))
        } }
        #expect(worst < 1e-4, "largest left–right difference \(worst)")
    }

    @Test func bonesEffectiveAttenuationFallsWithThicknessPolychromaticallyOnly() throws {
        func effective(_ mm: Double, _ spectrum: Spectrum, mono: Bool) throws -> Double {
            let ct = Self.phantom { p in abs(p.y) < mm / 2 && abs(p.x) < 10 && abs(p.z) < 10 ? 1935 : -1000 }
            let renderer = DRRRenderer(volume: try AttenuationVolume(hounsfield: ct))
            let carm = try Self.carm(.ap, pixels: 9, detectorMm: 10)
            let image = renderer.render(carm, Exposure(spectrum: spectrum, waterScaledMonochromatic: false))
            return Double(image.lineIntegral[4 * 9 + 4]) / mm
        }
        let poly = try Spectrum.tungsten(kVp: 80), mono = try Spectrum.monochromatic(keV: 50)
        let thin = try effective(4, poly, mono: false), thick = try effective(30, poly, mono: false)
        #expect(thick < thin * 0.9, "beam hardening: μ_eff \(thin)/mm at 4 mm, \(thick)/mm at 30 mm")
        let monoThin = try effective(4, mono, mono: true), monoThick = try effective(30, mono, mono: true)
        #expect(abs(monoThick / monoThin - 1) < 1e-3, "monochromatic μ_eff must not depend on thickness")
    }

    @Test func theNeedleIsAThinDarkLineOfItsGaugeWidth() throws {
        let ct = Self.phantom { _ in -1000 }
        let renderer = DRRRenderer(volume: try AttenuationVolume(hounsfield: ct))
        let carm = try Self.carm(.ap, pixels: 256, detectorMm: 40)
        // A 22G needle across the field at the isocentre, along x.
        let needle = try NeedleShaft(tipMm: Vector3(15, 0, 0), hubMm: Vector3(-15, 0, 0), outerDiameterMm: 0.718)
        let image = renderer.render(carm, Exposure(spectrum: try .monochromatic(keV: 60), needle: needle))
        let column = carm.pixels / 2
        let profile = (0..<carm.pixels).map { Double(image.lineIntegral[$0 * carm.pixels + column]) }
        let dark = profile.filter { $0 > 0 }.count
        let widthMm = Double(dark) * carm.pixelMm / (carm.sidMm / carm.sadMm)
        #expect(abs(widthMm - 0.718) <= carm.pixelMm / (carm.sidMm / carm.sadMm) * 1.01, "shadow \(widthMm) mm wide at the isocentre")
        // Its darkest line integral is steel's μ × diameter.
        let expected = XRayMaterial.steel.linearAttenuationPerMm(keV: 60) * 0.718
        #expect(abs((profile.max() ?? 0) / expected - 1) < 0.05)
    }

    @Test func contrastDarkensInProportionToIodinePathLength() throws {
        let ct = Self.phantom { p in p.x * p.x + p.y * p.y < 25 * 25 ? 0 : -1000 }
        let renderer = DRRRenderer(volume: try AttenuationVolume(hounsfield: ct))
        let carm = try Self.carm(.ap, pixels: 9, detectorMm: 10)
        let spectrum = try Spectrum.monochromatic(keV: 50)
        let base = renderer.render(carm, Exposure(spectrum: spectrum)).lineIntegral[40]
        var previous = 0.0
        for mm in [2.0, 4.0, 8.0] {
            var iodine = Volume<Float>(grid: ct.grid, repeating: 0)
            for k in 0..<64 { for j in 0..<64 { for i in 0..<64 where abs(ct.grid.world(i, j, k).y) < mm / 2 {
                iodine.voxels[ct.grid.linearIndex(i, j, k)] = 10   // mg I/mL
            } } }
            let with = renderer.render(carm, Exposure(spectrum: spectrum, contrast: iodine)).lineIntegral[40]
            let extra = Double(with - base)
            let expected = XRayMaterial.iodine.massAttenuation(keV: 50) * 0.010 * mm / 10
            #expect(abs(extra / expected - 1) < 0.01, "iodine \(mm) mm: Δ line integral \(extra), expected \(expected)")
            #expect(extra > previous)
            previous = extra
        }
    }
}
