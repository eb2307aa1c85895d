import Foundation
import Testing
@testable import Anatomy
import TestSupport
@testable import VolumeGeometry
import ParsGuideCore

/// Analytic meshes with known volumes.
enum Shapes {
    /// An axis-aligned box, outward-facing.
    static func box(min a: SIMD3<Float>, max b: SIMD3<Float>) -> TriangleMesh {
        let v: [SIMD3<Float>] = (0..<8).map { n in SIMD3(n & 1 == 0 ? a.x : b.x, n & 2 == 0 ? a.y : b.y, n & 4 == 0 ? a.z : b.z) }
        let quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]]
        var t: [SIMD3<UInt32>] = []
        for q in quads { t.append(SIMD3(UInt32(q[0]), UInt32(q[1]), UInt32(q[2]))); t.append(SIMD3(UInt32(q[0]), UInt32(q[2]), UInt32(q[3]))) }
        return TriangleMesh(vertices: v, triangles: t)
    }

    /// A UV sphere of radius r (outward-facing).
    static func sphere(radius r: Float, centre c: SIMD3<Float> = .zero, rings: Int = 48, segments: Int = 96) -> TriangleMesh {
        var m = TriangleMesh()
        m.vertices.append(c + SIMD3(0, 0, r))
        for i in 1..<rings {
            let th = Float.pi * Float(i) / Float(rings)
            for j in 0..<segments {
                let ph = 2 * Float.pi * Float(j) / Float(segments)
                m.vertices.append(c + r * SIMD3(sin(th) * cos(ph), sin(th) * sin(ph), cos(th)))
            }
        }
        m.vertices.append(c - SIMD3(0, 0, r))
        func ring(_ i: Int, _ j: Int) -> UInt32 { UInt32(1 + (i - 1) * segments + (j % segments)) }
        let south = UInt32(m.vertices.count - 1)
        for j in 0..<segments { m.triangles.append(SIMD3(0, ring(1, j), ring(1, j + 1))) }
        for i in 1..<(rings - 1) {
            for j in 0..<segments {
                m.triangles.append(SIMD3(ring(i, j), ring(i + 1, j), ring(i + 1, j + 1)))
                m.triangles.append(SIMD3(ring(i, j), ring(i + 1, j + 1), ring(i, j + 1)))
            }
        }
        for j in 0..<segments { m.triangles.append(SIMD3(ring(rings - 1, j), south, ring(rings - 1, j + 1))) }
        return m
    }

    /// Every edge shared by exactly two triangles.
    static func isClosed(_ m: TriangleMesh) -> Bool {
        var count: [SIMD2<UInt32>: Int] = [:]
        for t in m.triangles {
            for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] { count[SIMD2(min(a, b), max(a, b)), default: 0] += 1 }
        }
        return count.values.allSatisfy { $0 == 2 }
    }
}

@Suite struct MeshTests {
    @Test("Binary and ASCII STL round trips keep every triangle")
    func stlRoundTrip() throws {
        let cube = Shapes.box(min: SIMD3(-1, -2, -3), max: SIMD3(4.5, 5, 6))
        // STL is an unindexed soup: compare triangles by their corner coordinates.
        func corners(_ m: TriangleMesh) -> [[SIMD3<Float>]] { m.triangles.map { [m.vertices[Int($0.x)], m.vertices[Int($0.y)], m.vertices[Int($0.z)]] } }
        let bin = try STL.decode(STL.encodeBinary(cube))
        let sameBinary = corners(bin) == corners(cube)
        #expect(sameBinary && bin.vertices.count == 8)
        let ascii = try STL.decode(STL.encodeASCII(cube))
        let sameASCII = corners(ascii) == corners(cube)
        #expect(sameASCII)
        #expect(abs(bin.signedVolumeMm3 - 5.5 * 7 * 9) < 1e-3)
    }

    @Test("A binary STL shorter than its triangle count promises is refused")
    func stlTruncated() {
        let data = STL.encodeBinary(Shapes.box(min: .zero, max: SIMD3(1, 1, 1)))
        #expect(throws: AnatomyError.truncatedFile(path: "t.stl", expectedBytes: data.count, actualBytes: data.count - 7)) {
            try STL.decode(data.prefix(data.count - 7), path: "t.stl")
        }
        #expect(throws: AnatomyError.self) { try STL.decode(Data("solid x\n facet normal 0 0 1\n outer loop\n vertex 1 2".utf8)) }
        #expect(throws: AnatomyError.self) { try STL.decode(Data([1, 2, 3])) }
    }

    @Test("OBJ: polygons are fan-triangulated, v/vt/vn and negative indices accepted")
    func objRead() throws {
        let text = """
        # a unit square and a triangle
        v 0 0 0
        v 1 0 0
        v 1 1 0
        v 0 1 0
        vn 0 0 1
        f 1//1 2//1 3//1 4//1
        v 0 0 1
        f -1 1 2
        """
        let m = try OBJ.decode(Data(text.utf8))
        #expect(m.vertices.count == 5)
        #expect(m.triangles == [SIMD3(0, 1, 2), SIMD3(0, 2, 3), SIMD3(4, 0, 1)])
        #expect(throws: AnatomyError.self) { try OBJ.decode(Data("v 0 0 0\nf 1 2 3\n".utf8)) }
        #expect(throws: AnatomyError.self) { try OBJ.decode(Data("v 0 zero 0\n".utf8)) }
    }

    @Test("Voxelising a box fills exactly the voxels whose centres are inside")
    func voxeliseBox() throws {
        let g = try Grid(dimensions: SIMD3(20, 20, 20), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        var v = Volume<UInt8>(grid: g, repeating: 0)
        // Centres at integers: x in (2.5, 9.5) → 3…9 (7), y in (4.2, 8.7) → 5…8 (4), z in (0.6, 15.4) → 1…15 (15).
        let n = MeshVoxelizer.fill(Shapes.box(min: SIMD3(2.5, 4.2, 0.6), max: SIMD3(9.5, 8.7, 15.4)), into: &v, label: 7)
        #expect(n == 7 * 4 * 15)
        #expect(v[3, 5, 1] == 7 && v[9, 8, 15] == 7 && v[2, 5, 1] == 0 && v[10, 5, 1] == 0)
    }

    @Test("Voxelising a sphere gives its volume within 2 %")
    func voxeliseSphere() throws {
        let g = try Grid(dimensions: SIMD3(50, 50, 50), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(-12.25, -12.25, -12.25))
        var v = Volume<UInt8>(grid: g, repeating: 0)
        let n = MeshVoxelizer.fill(Shapes.sphere(radius: 10), into: &v, label: 1)
        let volume = Double(n) * 0.125, exact = 4.0 / 3 * Double.pi * 1000
        #expect(abs(volume - exact) / exact < 0.02)
        #expect(ConnectedComponents.sizes(of: v) { $0 == 1 } == [n])
    }

    @Test("Marching cubes: the case table closes every loop, and a sphere's surface is watertight with the right volume")
    func marchingCubes() throws {
        #expect(MarchingCubes.table[0].isEmpty && MarchingCubes.table[255].isEmpty)
        #expect(MarchingCubes.table[1].count == 1 && MarchingCubes.table[3].count == 2)
        let g = try Grid(dimensions: SIMD3(40, 40, 40), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(-9.75, -9.75, -9.75))
        var v = Volume<UInt8>(grid: g, repeating: 0)
        MeshVoxelizer.fill(Shapes.sphere(radius: 8), into: &v, label: 1)
        let surface = MarchingCubes.surface(of: v) { $0 == 1 }
        #expect(Shapes.isClosed(surface))
        let exact = 4.0 / 3 * Double.pi * 512
        #expect(surface.signedVolumeMm3 > 0)
        #expect(abs(surface.signedVolumeMm3 - exact) / exact < 0.05)
    }

    @Test("The mean shape has four closed vertebrae stacked L2 above L5")
    func meanShape() throws {
        let v = try LumbarMeanShape.vertebrae()
        #expect(v.count == 4)
        let zs = LumbarMeanShape.levels.map { l in v[l]!.vertices.map(\.z).reduce(0, +) / Float(v[l]!.vertices.count) }
        #expect(zs == zs.sorted(by: >))
        for l in LumbarMeanShape.levels { #expect(Shapes.isClosed(v[l]!) && v[l]!.signedVolumeMm3 > 20_000) }
    }
}

@Suite struct VoxelAlgorithmTests {
    @Test("Distance transform of one point is the Euclidean distance, anisotropic spacing included")
    func distanceTransform() throws {
        let g = try Grid(dimensions: SIMD3(9, 7, 5), spacingMm: Vector3(0.5, 1, 2), originMm: .zero)
        let box = IndexBox(lower: .zero, upper: g.dimensions &- 1)
        let target = g.linearIndex(4, 3, 2)
        let d = DistanceTransform.distancesMm(grid: g, box: box) { $0 == target }
        for (i, j, k) in [(0, 0, 0), (8, 6, 4), (4, 3, 2), (5, 1, 3)] {
            let e = ((Double(i - 4) * 0.5) * (Double(i - 4) * 0.5) + Double((j - 3) * (j - 3)) + Double((k - 2) * (k - 2)) * 4).squareRoot()
            #expect(abs(Double(d[g.linearIndex(i, j, k)]) - e) < 1e-4)
        }
    }

    @Test("26-connectivity joins diagonal neighbours and separates distant blobs")
    func components() throws {
        let g = try Grid(dimensions: SIMD3(10, 10, 10), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        var v = Volume<UInt8>(grid: g, repeating: 0)
        v[1, 1, 1] = 1; v[2, 2, 2] = 1   // corner-touching: one component
        v[7, 7, 7] = 1; v[7, 7, 8] = 1; v[8, 7, 8] = 1
        #expect(ConnectedComponents.sizes(of: v) { $0 == 1 } == [3, 2])
    }

    @Test("Distances on an anisotropic box with seeded features equal a brute-force search, at every voxel")
    func distanceTransformMatchesBruteForce() throws {
        let g = try Grid(dimensions: SIMD3(23, 17, 13), spacingMm: Vector3(0.5, 0.8, 1.2), originMm: .zero)
        let box = IndexBox(lower: SIMD3(2, 1, 1), upper: SIMD3(21, 15, 12))
        var rng = SeededGenerator(seed: 7)
        let features = Set((0..<9).map { _ in
            g.linearIndex(Int.random(in: box.lower.x...box.upper.x, using: &rng), Int.random(in: box.lower.y...box.upper.y, using: &rng),
                          Int.random(in: box.lower.z...box.upper.z, using: &rng))
        })
        let d = DistanceTransform.distancesMm(grid: g, box: box) { features.contains($0) }
        var n = 0
        for k in box.lower.z...box.upper.z { for j in box.lower.y...box.upper.y { for i in box.lower.x...box.upper.x {
            let expected = features.map { (g.world(i, j, k) - g.world(Int($0) % 23, Int($0) / 23 % 17, Int($0) / (23 * 17))).length }.min()!
            #expect(abs(Double(d[n]) - expected) < 1e-3, "voxel \(i),\(j),\(k)")
            n += 1
        } } }
    }

    @Test("The CT's separable cube dilation equals a brute-force search of each voxel's cube")
    func cubeDilationMatchesBruteForce() {
        let size = SIMD3(11, 9, 7)
        var rng = SeededGenerator(seed: 3)
        let mask = (0..<(size.x * size.y * size.z)).map { _ in Int.random(in: 0..<32, using: &rng) == 0 }
        for radius in [1, 2] {
            let dilated = CTStage.dilate(mask, size: size, radius: radius)
            for k in 0..<size.z { for j in 0..<size.y { for i in 0..<size.x {
                var any = false
                for c in max(0, k - radius)...min(size.z - 1, k + radius) { for b in max(0, j - radius)...min(size.y - 1, j + radius) {
                    for a in max(0, i - radius)...min(size.x - 1, i + radius) where mask[a + size.x * (b + size.y * c)] { any = true }
                } }
                #expect(dilated[i + size.x * (j + size.y * k)] == any, "radius \(radius) voxel \(i),\(j),\(k)")
            } } }
        }
    }
}

@Suite struct MemoryBudgetTests {
    @Test("A subject that would not fit in memory is refused before building, naming the size and a voxel size that fits")
    func aSubjectTooLargeIsRefusedUpFront() throws {
        var o = PhantomOptions()
        o.voxelMm = 0.2
        let gb = 1_000_000_000
        #expect(o.estimatedPeakBytes > 25e9 && o.estimatedPeakBytes < 40e9, "0.2 mm: \(o.estimatedPeakBytes / 1e9) GB")
        #expect(throws: MemoryBudgetExceeded.self) { try o.validated(availableBytes: 24 * gb) }
        do { _ = try o.validated(availableBytes: 24 * gb) } catch let e as MemoryBudgetExceeded {
            #expect(e.description.contains("0.20 mm") && e.description.contains("24.0 GB") && e.description.contains("--voxel-mm 0.3"), "\(e)")
        }
        o.voxelMm = 0.5
        #expect(o.estimatedPeakBytes > 1.8e9 && o.estimatedPeakBytes < 2.2e9)   // measured 1.95 GB
        _ = try o.validated(availableBytes: 24 * gb)
        #expect(throws: MemoryBudgetExceeded.self) { try o.validated(availableBytes: 1 * gb) }
        // A heavier patient's wider torso needs more.
        var heavy = o
        heavy.habitus = try Habitus(heightCm: 177, weightKg: 130, sex: .male, ageYears: 51)
        #expect(heavy.estimatedPeakBytes > o.estimatedPeakBytes)
    }
}
