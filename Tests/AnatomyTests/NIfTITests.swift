import Foundation
import Testing
@testable import Anatomy
@testable import FileFormats
import ParsGuideCore

@Suite struct NIfTITests {
    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-\(getpid())-\(name)").path
    }

    /// An oblique, anisotropic, translated grid whose entries are exact in Float32.
    static let obliqueGrid: Grid = {
        let m = Matrix4(rows: [SIMD4(0, -0.75, 0, 12.5), SIMD4(0.5, 0, 0, -3.25), SIMD4(0, 0, 2, 40), SIMD4(0, 0, 0, 1)])
        return try! Grid(dimensions: SIMD3(5, 4, 3), worldFromIndex: m)
    }()

    @Test("Writes and reads back UInt8, Int16 and Float32 bit for bit, affine included", arguments: [".nii", ".nii.gz"])
    func roundTrip(_ ext: String) throws {
        let g = Self.obliqueGrid
        let u8 = Volume<UInt8>(grid: g, voxels: (0..<g.voxelCount).map { UInt8($0 * 7 % 256) })
        let i16 = Volume<Int16>(grid: g, voxels: (0..<g.voxelCount).map { Int16($0 * 123 - 2000) })
        let f32 = Volume<Float>(grid: g, voxels: (0..<g.voxelCount).map { Float($0) * 0.37 - 5 })
        let p1 = Self.tempPath("u8\(ext)"), p2 = Self.tempPath("i16\(ext)"), p3 = Self.tempPath("f32\(ext)")
        defer { for p in [p1, p2, p3] { try? FileManager.default.removeItem(atPath: p) } }
        try NIfTI.write(u8, to: p1); try NIfTI.write(i16, to: p2); try NIfTI.write(f32, to: p3)
        guard case .uint8(let a) = try NIfTI.read(path: p1), case .int16(let b) = try NIfTI.read(path: p2),
              case .float32(let c) = try NIfTI.read(path: p3) else {
            Issue.record("wrong voxel type on read"); return
        }
        #expect(a.voxels == u8.voxels && b.voxels == i16.voxels && c.voxels == f32.voxels)
        for v in [a.grid, b.grid, c.grid] {
            #expect(v.dimensions == g.dimensions)
            #expect(v.worldFromIndex == g.worldFromIndex)
        }
        // Writing what was read gives the same bytes.
        #expect(try NIfTI.encode(a) == NIfTI.encode(u8))
    }

    @Test("RAS on disk, LPS in memory: the sform holds diag(−1, −1, 1) × worldFromIndex")
    func rasOnDisk() throws {
        let g = try Grid(dimensions: SIMD3(2, 2, 2), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(-10, 20, 30))
        let data = try NIfTI.encode(Volume<UInt8>(grid: g, repeating: 1))
        let r = ByteReader(bytes: [UInt8](data.prefix(348)), swapped: false)
        #expect(r.float32(280) == -0.5 && r.float32(292) == 10)   // srow_x: −sx … −x0
        #expect(r.float32(296 + 4) == -0.5 && r.float32(296 + 12) == -20)
        #expect(r.float32(312 + 8) == 0.5 && r.float32(312 + 12) == 30)
        #expect(r.int16(254) > 0 && r.int16(252) > 0)
    }

    @Test("Loads files written by nibabel with their geometry")
    func nibabelFixtures() throws {
        let dir = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let image = try NIfTI.read(path: dir.appendingPathComponent("nibabel_int16_oblique.nii.gz").path)
        guard case .int16(let v) = image else { Issue.record("expected Int16"); return }
        #expect(v.grid.dimensions == SIMD3(4, 3, 2))
        // nibabel's data was arange(24) in Fortran order × 7 − 50: voxel (i, j, k) = (i + 4j + 12k) × 7 − 50.
        #expect(v[1, 2, 1] == Int16((1 + 8 + 12) * 7 - 50))
        let c = cos(Double.pi / 6), s = sin(Double.pi / 6)
        let ras = Matrix4.lpsFromRAS * v.grid.worldFromIndex
        let expected: [Double] = [0.5 * c, -0.75 * s, 0, -10.25, 0.5 * s, 0.75 * c, 0, 20.5, 0, 0, 2, -30, 0, 0, 0, 1]
        for (x, y) in zip(ras.flattened, expected) { #expect(abs(x - y) < 1e-5) }

        let labels = try NIfTI.read(path: dir.appendingPathComponent("nibabel_uint8.nii").path).labels()
        #expect(labels[1, 1, 1] == 24 && labels[2, 0, 1] == 109)
        #expect(labels.grid.spacingMm == Vector3(1.5, 1.5, 1.5))
        // RAS diag(1.5) becomes LPS with x and y flipped.
        #expect(labels.grid.worldFromIndex[0, 0] == -1.5 && labels.grid.worldFromIndex[1, 1] == -1.5)
    }

    @Test("A file shorter than its header promises is refused with both sizes named")
    func truncated() throws {
        let g = Self.obliqueGrid
        let full = try NIfTI.encode(Volume<Int16>(grid: g, repeating: 5))
        let cut = full.prefix(full.count - 10)
        #expect(throws: AnatomyError.truncatedFile(path: "x.nii", expectedBytes: full.count, actualBytes: full.count - 10)) {
            try NIfTI.decode(cut, path: "x.nii")
        }
        #expect(throws: AnatomyError.self) { try NIfTI.decode(full.prefix(100), path: "x.nii") }
    }

    @Test("Corrupt header, corrupt gzip and truncated gzip are errors, not crashes")
    func corrupt() throws {
        var bad = try NIfTI.encode(Volume<UInt8>(grid: Self.obliqueGrid, repeating: 1))
        bad[344] = UInt8(ascii: "x")
        #expect(throws: AnatomyError.self) { try NIfTI.decode(bad) }
        var badType = try NIfTI.encode(Volume<UInt8>(grid: Self.obliqueGrid, repeating: 1))
        badType[70] = 99
        #expect(throws: AnatomyError.self) { try NIfTI.decode(badType) }

        let gz = try Gzip.compress(try NIfTI.encode(Volume<UInt8>(grid: Self.obliqueGrid, repeating: 3)))
        let p = Self.tempPath("cut.nii.gz")
        defer { try? FileManager.default.removeItem(atPath: p) }
        try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: p))
        #expect(throws: AnatomyError.self) { try NIfTI.read(path: p) }
        var garbled = gz
        for i in 20..<min(60, garbled.count) { garbled[i] ^= 0xA5 }
        try garbled.write(to: URL(fileURLWithPath: p))
        #expect(throws: AnatomyError.self) { try NIfTI.read(path: p) }
    }

    @Test("A gzip bomb is never inflated past what its header promises, and a header promising more than memory holds is refused first")
    func gzipBombs() throws {
        let grid = try Grid(dimensions: SIMD3(16, 16, 16), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        let image = try NIfTI.encode(Volume<UInt8>(grid: grid, repeating: 3))
        let dir = FileManager.default.temporaryDirectory.path
        // 64 MB of zeros after a 4 kB image: read, the extra bytes are never inflated.
        let bomb = "\(dir)/parsguide-bomb-\(getpid()).nii.gz", huge = "\(dir)/parsguide-huge-\(getpid()).nii.gz"
        defer { for f in [bomb, huge] { try? FileManager.default.removeItem(atPath: f) } }
        try Gzip.compress(image + Data(count: 64 << 20), level: 9).write(to: URL(fileURLWithPath: bomb))
        let read = try NIfTI.read(path: bomb)
        #expect(read.grid.dimensions == grid.dimensions)
        // A header promising 30000³ voxels of Int16 (54 TB): refused naming the size, before any inflation.
        var big = try NIfTI.encode(Volume<Int16>(grid: grid, repeating: 1))
        for d in 0..<3 { withUnsafeBytes(of: Int16(30000).littleEndian) { for (i, b) in $0.enumerated() { big[42 + 2 * d + i] = b } } }
        try Gzip.compress(big, level: 1).write(to: URL(fileURLWithPath: huge))
        #expect(throws: MemoryBudgetExceeded.self) { try NIfTI.read(path: huge) }
        // A header promising 6 GB that fits the budget (found by the fuzzer: zlib's 32-bit output count
        // trapped above 4 GiB): the small stream inflates to what it holds, nothing like 6 GB is allocated.
        let small = try Gzip.compress(image, level: 1)
        #expect(try Gzip.decompress(small, sizeHint: 6 << 30, maxBytes: 6 << 30) == image)
        #expect(throws: AnatomyError.self) { try Gzip.decompress(Data()) }
    }

    @Test("A qform whose offset is NaN is refused at decode (a fuzzer finding: slicing it trapped)")
    func nonFiniteQformOffset() throws {
        let grid = try Grid(dimensions: SIMD3(4, 4, 3), spacingMm: Vector3(0.7, 0.7, 0.7), originMm: .zero)
        var data = try NIfTI.encode(Volume<Float>(grid: grid, repeating: 1))
        withUnsafeBytes(of: Int16(0).littleEndian) { for (i, b) in $0.enumerated() { data[254 + i] = b } }  // no sform
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { for (i, b) in $0.enumerated() { data[268 + i] = b } }  // qoffset_x
        #expect(throws: AnatomyError.self) { try NIfTI.decode(data) }
        #expect(throws: AnatomyError.self) { try Grid(dimensions: SIMD3(2, 2, 2), spacingMm: Vector3(1, 1, 1), originMm: Vector3(.nan, 0, 0)) }
    }

    @Test("Hostile header numbers are errors or clamped values, never a trap (the slice fuzz's three trap sites)")
    func hostileHeaderNumbers() throws {
        func set(_ data: inout Data, _ offset: Int, _ value: Float) {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { for (i, b) in $0.enumerated() { data[offset + i] = b } }
        }
        let axial = try Grid(dimensions: SIMD3(6, 5, 4), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        // vox_offset far beyond the file.
        var far = try NIfTI.encode(Volume<Int16>(grid: axial, repeating: 7))
        set(&far, 108, 1e30)
        #expect(throws: AnatomyError.self) { try NIfTI.decode(far) }
        // A huge intercept: the values decode as huge floats (`GrayImage.windowed` clamps them; ImagingTests).
        var huge = try NIfTI.encode(Volume<Int16>(grid: axial, repeating: 7))
        set(&huge, 112, 2); set(&huge, 116, 3.4e38)
        #expect(try NIfTI.decode(huge).float32.voxels.allSatisfy { $0 > 1e38 })
        // A grid placed absurdly far away: every slice position is off it, an error naming the range, not a trap.
        var wide = try NIfTI.encode(Volume<UInt8>(grid: axial, repeating: 1))
        set(&wide, 312 + 12, 3.4e38)  // srow_z[3]: the grid starts 3.4e38 mm up
        let v = try NIfTI.decode(wide).labels()
        #expect(throws: ParameterOutOfRange.self) { _ = try VolumeSlice(v, plane: .axial, atMm: -50) }
    }

    @Test("A grid too large for NIfTI-1 is refused, not truncated")
    func tooLarge() throws {
        let g = try Grid(dimensions: SIMD3(40_000, 1, 1), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        #expect(throws: AnatomyError.self) { try NIfTI.encode(Volume<UInt8>(grid: g, repeating: 0)) }
    }

    @Test("Multi-member gzip (parallel compression) decompresses to the original")
    func parallelGzip() throws {
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 7) })
        let packed = try Gzip.compressParallel(data, chunkBytes: 1 << 20)
        #expect(try Gzip.decompress(packed) == data)
    }

    @Test("Whole-buffer inflate (libdeflate) and the streaming inflate (zlib) agree; a stream that does not fit or is damaged falls back to zlib's answer")
    func wholeAndStreamedInflate() throws {
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) })
        let packed = try Gzip.compressParallel(data, chunkBytes: 1 << 20)   // three members
        // Known size: inflated whole, every member.
        #expect(packed.withUnsafeBytes { Gzip.inflatedWhole($0, capacity: data.count) } == data)
        #expect(try Gzip.decompress(packed, sizeHint: data.count, maxBytes: data.count) == data)
        // Too small a buffer: libdeflate declines; a lying hint or the last member's ISIZE still gives it all.
        #expect(packed.withUnsafeBytes { Gzip.inflatedWhole($0, capacity: data.count - 1) } == nil)
        #expect(try Gzip.decompress(packed, sizeHint: 1 << 20) == data)
        #expect(packed.withUnsafeBytes { Gzip.declaredSize($0) } == data.count - 2 * (1 << 20))
        // A prefix: exactly maxBytes, from the streaming path.
        #expect(try Gzip.decompress(packed, sizeHint: 2_000_000, maxBytes: 2_000_000) == data.prefix(2_000_000))
        // Zero padding after the last member is the end of the stream.
        #expect(try Gzip.decompress(packed + Data(count: 512), sizeHint: data.count, maxBytes: data.count) == data)
        // Truncated or damaged in the second member: no whole buffer, and zlib's error.
        let truncated = packed.prefix(packed.count - 100)
        #expect(truncated.withUnsafeBytes { Gzip.inflatedWhole($0, capacity: data.count) } == nil)
        #expect(throws: AnatomyError.self) { try Gzip.decompress(truncated, sizeHint: data.count, maxBytes: data.count) }
        var damaged = packed
        damaged[packed.count / 2] ^= 0xFF
        #expect(damaged.withUnsafeBytes { Gzip.inflatedWhole($0, capacity: data.count) } == nil)
        #expect(throws: AnatomyError.self) { try Gzip.decompress(damaged, sizeHint: data.count, maxBytes: data.count) }
    }
}

@Suite struct HostileNumberTests {
    @Test("A point absurdly far away or not finite is outside every grid, not a trap")
    func farPointsAreOutside() throws {
        let grid = try Grid(dimensions: SIMD3(4, 4, 4), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: .zero)
        for p in [Vector3(1e300, 0, 0), Vector3(0, -1e300, 0), Vector3(.nan, 0, 0), Vector3(0, 0, .infinity)] {
            #expect(grid.nearestIndex(toWorld: p) == nil)
        }
        #expect(grid.nearestIndex(toWorld: Vector3(0.6, 0.4, 1.4)) == SIMD3(1, 1, 3))
    }

    @Test("subject.json with a landmark of 1e300, a non-finite measurement or a scan voxel no CT has is refused naming the key")
    func hostileSubjectDocument() throws {
        let grid = try Grid(dimensions: SIMD3(4, 4, 4), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: .zero)
        let subject = Subject(habitus: .flagship, defects: [], labels: Volume(grid: grid, repeating: 0),
                              ct: Volume(grid: grid, repeating: 0), landmarks: ["L5.left.pars": Vector3(1, 2, 3)],
                              measurements: ["x": 1], seed: 1, source: .phantom(voxelMm: 0.5))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-\(getpid())-hostile-subject.json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var document = SubjectDocument(subject, files: [:])
        try document.encoded().write(to: URL(fileURLWithPath: path))
        #expect(try SubjectDocument.read(path: path).landmarks["L5.left.pars"] == [1, 2, 3])
        document.landmarks["L5.left.pars"] = [1e300, 0, 0]
        try document.encoded().write(to: URL(fileURLWithPath: path))
        #expect { try SubjectDocument.read(path: path) } throws: { "\($0)".contains("L5.left.pars") }
        document.landmarks["L5.left.pars"] = [1, 2]
        try document.encoded().write(to: URL(fileURLWithPath: path))
        #expect { try SubjectDocument.read(path: path) } throws: { "\($0)".contains("three finite numbers") }
        // A patient's scan voxel is a spacing a CT can have: 3 mm reads back, 1e300 and −1 are refused by name.
        document.landmarks["L5.left.pars"] = [1, 2, 3]
        for (scan, accepted) in [(3.0, true), (1e300, false), (-1, false), (0, false)] {
            document.source?.scanVoxelMm = scan
            try document.encoded().write(to: URL(fileURLWithPath: path))
            if accepted {
                #expect(try SubjectDocument.read(path: path).source?.scanVoxelMm == scan)
            } else {
                #expect { try SubjectDocument.read(path: path) } throws: { "\($0)".contains("source.scanVoxelMm") }
            }
        }
    }
}
