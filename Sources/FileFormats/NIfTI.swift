import ParsGuideCore
import Foundation

/// NIfTI-1 single-file images (`.nii`, `.nii.gz`).
///
/// Files are RAS on disk; ParsGuide works in LPS, so the affine is converted once here:
/// `worldFromIndex(LPS) = lpsFromRAS * sform(RAS)`. The sform is preferred; the qform is used when
/// the sform code is 0, and the pixdims when both are.
public enum NIfTI {
    public static let headerBytes = 348
    public static let dataOffset = 352

    static let supportedTypes = ["2 (UInt8)", "4 (Int16)", "16 (Float32)", "256 (Int8)", "512 (UInt16)",
                                 "8 (Int32)", "768 (UInt32)", "64 (Float64)"]

    // MARK: Reading

    /// Reads a `.nii` or `.nii.gz` file (gzip is detected from the content, not the name).
    public static func read(path: String) throws -> NIfTIImage {
        let raw: Data
        do { raw = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw VolumeError.fileUnreadable(path: path, reason: error.localizedDescription)
        }
        return try decodeFile(raw, path: path)
    }

    /// Reads several files side by side, one core each: a subject's labels and CT (each one gzip stream,
    /// inflated on one core) load in the time of the larger.
    public static func read(paths: [String]) throws -> [NIfTIImage] {
        let slots = ResultSlots<Result<NIfTIImage, Error>>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { n in slots[n] = Result { try read(path: paths[n]) } }
        return try paths.indices.map { try slots[$0]!.get() }
    }

    /// Decodes the bytes of a `.nii` or `.nii.gz` file as `read` does (`path` names it in errors).
    public static func decodeFile(_ raw: Data, path: String = "data") throws -> NIfTIImage {
        let data: Data
        if Gzip.isGzip(raw) {
            do {
                // The header first: it says how many bytes the image takes. Never inflate more than that
                // (a 2 MB gzip bomb reached 6.1 GB before its header was read), and only if it fits.
                let head = try Gzip.decompress(raw, maxBytes: headerBytes)
                let promised = try promisedBytes(head, path: path)
                try MemoryBudget.check("reading \(path)", neededBytes: Double(promised), advice: "the file's header promises an image this large")
                data = try Gzip.decompress(raw, sizeHint: promised, maxBytes: promised)
            } catch let e as VolumeError {
                throw VolumeError.corruptFile(path: path, reason: e.description)
            }
        } else {
            data = raw
        }
        return try decode(data, path: path)
    }

    /// The bytes a file must hold by its header (vox_offset + voxels × bytes per voxel), from the header's
    /// first `headerBytes`; the header's other checks are `decode`'s.
    static func promisedBytes(_ head: Data, path: String) throws -> Int {
        guard head.count >= headerBytes else {
            throw VolumeError.truncatedFile(path: path, expectedBytes: headerBytes, actualBytes: head.count)
        }
        var r = ByteReader(bytes: [UInt8](head.prefix(headerBytes)), swapped: false)
        if r.int32(0) != 348 { r.swapped = true }
        var count = 1
        for d in 0..<3 { count *= max(1, Int(r.int16(42 + 2 * d))) }   // at most 32767³: no overflow
        let bytesPerVoxel = bytesPer(r.int16(70)) ?? 8
        let offset = Double(r.float32(108))
        guard offset.isFinite, offset >= 0, offset < 1e12 else {
            throw VolumeError.corruptFile(path: path, reason: "vox_offset \(offset) is not a byte offset")
        }
        return Int(offset) + count * bytesPerVoxel
    }

    /// Decodes the bytes of an uncompressed `.nii` file.
    public static func decode(_ data: Data, path: String = "data") throws -> NIfTIImage {
        guard data.count >= headerBytes else {
            throw VolumeError.truncatedFile(path: path, expectedBytes: headerBytes, actualBytes: data.count)
        }
        let bytes = [UInt8](data.prefix(headerBytes))
        var r = ByteReader(bytes: bytes, swapped: false)
        let sizeofHdr = r.int32(0)
        if sizeofHdr != 348 {
            r.swapped = true
            guard r.int32(0) == 348 else {
                throw VolumeError.corruptFile(path: path, reason: "sizeof_hdr is \(sizeofHdr), expected 348 (not NIfTI-1)")
            }
        }
        let magic = String(decoding: bytes[344..<347], as: UTF8.self)
        guard magic == "n+1" else {
            throw VolumeError.corruptFile(path: path, reason: "magic is '\(magic)', expected 'n+1' (single-file NIfTI-1)")
        }
        let rank = Int(r.int16(40))
        guard (1...7).contains(rank) else {
            throw VolumeError.corruptFile(path: path, reason: "dim[0] = \(rank), expected 1–7")
        }
        var dims = [Int](repeating: 1, count: 7)
        for d in 0..<rank { dims[d] = Int(r.int16(42 + 2 * d)) }
        guard dims.allSatisfy({ $0 >= 1 }) else {
            throw VolumeError.corruptFile(path: path, reason: "dimensions \(dims.prefix(rank)) must all be ≥ 1")
        }
        guard dims[3...].allSatisfy({ $0 == 1 }) else {
            throw VolumeError.corruptFile(path: path, reason: "only 3D images are supported, dimensions are \(dims.prefix(rank))")
        }
        let datatype = r.int16(70)
        guard let bytesPerVoxel = bytesPer(datatype) else {
            throw VolumeError.unsupportedDataType(path: path, code: datatype, supported: supportedTypes)
        }
        let voxOffset = Double(r.float32(108))
        guard voxOffset.isFinite, voxOffset >= Double(dataOffset), voxOffset <= Double(data.count) else {
            throw VolumeError.corruptFile(path: path, reason: "vox_offset \(voxOffset) lies outside the file (352–\(data.count) bytes)")
        }
        let count = dims[0] * dims[1] * dims[2]
        let start = Int(voxOffset)
        let needed = start + count * bytesPerVoxel
        guard data.count >= needed else {
            throw VolumeError.truncatedFile(path: path, expectedBytes: needed, actualBytes: data.count)
        }
        let affineRAS = try affine(r, path: path)
        let grid = try Grid(dimensions: SIMD3(dims[0], dims[1], dims[2]), worldFromIndex: Matrix4.lpsFromRAS * affineRAS)

        var slope = Double(r.float32(112)), inter = Double(r.float32(116))
        if !slope.isFinite || slope == 0 { slope = 1; inter = 0 }
        if !inter.isFinite { inter = 0 }
        let scaled = slope != 1 || inter != 0

        // A slice shares the decoded bytes (no copy of a volume that may be hundreds of MB).
        let payload = data[(data.startIndex + start)..<(data.startIndex + needed)]
        let swapped = r.swapped
        switch datatype {
        case 2 where !scaled: return .uint8(Volume(grid: grid, voxels: [UInt8](payload)))
        case 4 where !scaled: return .int16(Volume(grid: grid, voxels: load(payload, count, swapped, Int16.self)))
        case 16:
            var v = loadFloat32(payload, count, swapped)
            if scaled { v = v.map { Float(Double($0) * slope + inter) } }
            return .float32(Volume(grid: grid, voxels: v))
        default:
            let values = widened(payload, count, datatype, swapped)
            return .float32(Volume(grid: grid, voxels: values.map { Float($0 * slope + inter) }))
        }
    }

    static func bytesPer(_ datatype: Int16) -> Int? {
        switch datatype {
        case 2, 256: 1
        case 4, 512: 2
        case 8, 16, 768: 4
        case 64: 8
        default: nil
        }
    }

    /// The RAS affine from sform, qform or pixdim, in that order of preference.
    static func affine(_ r: ByteReader, path: String) throws -> Matrix4 {
        let sformCode = r.int16(254), qformCode = r.int16(252)
        if sformCode > 0 {
            var rows = [SIMD4<Double>]()
            for row in 0..<3 {
                rows.append(SIMD4((0..<4).map { Double(r.float32(280 + 16 * row + 4 * $0)) }))
            }
            rows.append(SIMD4(0, 0, 0, 1))
            let m = Matrix4(rows: rows)
            if m.flattened.allSatisfy(\.isFinite), m.affineInverse != nil { return m }
        }
        let pixdim = (0..<8).map { Double(r.float32(76 + 4 * $0)) }
        let spacing = Vector3(pixdim[1], pixdim[2], pixdim[3])
        guard spacing.x > 0, spacing.y > 0, spacing.z > 0, [spacing.x, spacing.y, spacing.z].allSatisfy(\.isFinite) else {
            throw VolumeError.corruptFile(path: path, reason: "voxel size \(spacing) mm must be positive (no valid sform)")
        }
        if qformCode > 0 {
            let b = Double(r.float32(256)), c = Double(r.float32(260)), d = Double(r.float32(264))
            let a = max(0, 1 - (b * b + c * c + d * d)).squareRoot()
            let qfac = pixdim[0] < 0 ? -1.0 : 1.0
            let rot: [[Double]] = [
                [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
                [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
            ]
            let offset = Vector3(Double(r.float32(268)), Double(r.float32(272)), Double(r.float32(276)))
            let s = [spacing.x, spacing.y, spacing.z * qfac]
            var rows = (0..<3).map { i in SIMD4(rot[i][0] * s[0], rot[i][1] * s[1], rot[i][2] * s[2], offset[i]) }
            rows.append(SIMD4(0, 0, 0, 1))
            return Matrix4(rows: rows)
        }
        return Matrix4.scaleThenTranslate(spacing: spacing, origin: .zero)
    }

    static func load<T: FixedWidthInteger>(_ payload: Data, _ count: Int, _ swapped: Bool, _: T.Type) -> [T] {
        var out = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = payload.copyBytes(to: UnsafeMutableRawBufferPointer(buffer).bindMemory(to: UInt8.self))
            initialized = count
        }
        if swapped { for i in 0..<count { out[i] = out[i].byteSwapped } }
        return out
    }

    static func loadFloat32(_ payload: Data, _ count: Int, _ swapped: Bool) -> [Float] {
        load(payload, count, swapped, UInt32.self).map { Float(bitPattern: $0) }
    }

    static func widened(_ payload: Data, _ count: Int, _ datatype: Int16, _ swapped: Bool) -> [Double] {
        switch datatype {
        case 2: return [UInt8](payload).map(Double.init)
        case 256: return load(payload, count, swapped, Int8.self).map(Double.init)
        case 4: return load(payload, count, swapped, Int16.self).map(Double.init)
        case 512: return load(payload, count, swapped, UInt16.self).map(Double.init)
        case 8: return load(payload, count, swapped, Int32.self).map(Double.init)
        case 768: return load(payload, count, swapped, UInt32.self).map(Double.init)
        case 64: return load(payload, count, swapped, UInt64.self).map { Double(bitPattern: $0) }
        default: return loadFloat32(payload, count, swapped).map(Double.init)
        }
    }

    // MARK: Writing

    /// Encodes a volume as the bytes of an uncompressed single-file NIfTI-1 (little-endian).
    /// - Throws: `VolumeError.invalidGrid` when a dimension exceeds NIfTI-1's 32767.
    public static func encode<E: NIfTIScalar>(_ volume: Volume<E>, description: String = "ParsGuide") throws -> Data {
        var data = try header(volume, description: description)
        volume.voxels.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// The 352 bytes before the voxels of `encode(_:description:)`'s file: header and empty extension.
    static func header<E: NIfTIScalar>(_ volume: Volume<E>, description: String) throws -> Data {
        let g = volume.grid
        guard g.dimensions.max() <= Int(Int16.max) else {
            throw VolumeError.invalidGrid(reason: "dimensions \(g.dimensions) exceed NIfTI-1's limit of 32767 voxels per axis")
        }
        var h = [UInt8](repeating: 0, count: dataOffset)
        var w = ByteWriter(bytes: h)
        w.int32(0, 348)
        w.int16(40, 3)
        w.int16(42, Int16(g.dimensions.x)); w.int16(44, Int16(g.dimensions.y)); w.int16(46, Int16(g.dimensions.z))
        for d in 4...7 { w.int16(40 + 2 * d, 1) }
        w.int16(70, E.niftiDatatype)
        w.int16(72, Int16(MemoryLayout<E>.size * 8))
        let ras = Matrix4.lpsFromRAS * g.worldFromIndex  // the flip is its own inverse
        let q = Quaternion(affine: ras)
        w.float32(76, Float(q.qfac))
        let spacing = g.spacingMm
        w.float32(80, Float(spacing.x)); w.float32(84, Float(spacing.y)); w.float32(88, Float(spacing.z))
        for d in 4...7 { w.float32(76 + 4 * d, 1) }
        w.float32(108, Float(dataOffset))
        w.float32(112, 1)   // scl_slope: values are stored unscaled
        w.float32(116, 0)
        w.bytes[123] = 2    // xyzt_units: millimetres
        let desc = Array(description.utf8.prefix(79))
        for (i, c) in desc.enumerated() { w.bytes[148 + i] = c }
        w.int16(252, 1)     // qform_code: scanner
        w.int16(254, 1)     // sform_code: scanner
        w.float32(256, Float(q.b)); w.float32(260, Float(q.c)); w.float32(264, Float(q.d))
        w.float32(268, Float(ras[0, 3])); w.float32(272, Float(ras[1, 3])); w.float32(276, Float(ras[2, 3]))
        for row in 0..<3 { for c in 0..<4 { w.float32(280 + 16 * row + 4 * c, Float(ras[row, c])) } }
        w.bytes[344] = UInt8(ascii: "n"); w.bytes[345] = UInt8(ascii: "+"); w.bytes[346] = UInt8(ascii: "1")
        h = w.bytes
        return Data(h)
    }

    /// Writes a volume to `path`; a name ending in `.gz` is gzip-compressed on all cores.
    /// The file appears whole or not at all (written to a temporary name, then renamed); `OutputFile`'s
    /// rules apply (never over a link, a device or another kind of file).
    public static func write<E: NIfTIScalar>(_ volume: Volume<E>, to path: String,
                                             description: String = "ParsGuide", gzipLevel: Int32 = 1) throws {
        guard path.hasSuffix(".gz") else {
            return try OutputFile.write(try encode(volume, description: description), to: path, kind: .nifti)
        }
        // The header as its own gzip member, then the voxels' members compressed straight from the volume
        // and written one after another (no joined copy of either).
        let head = try Gzip.compress(try header(volume, description: description), level: gzipLevel)
        let members = try volume.voxels.withUnsafeBytes { try Gzip.compressedMembers($0, level: gzipLevel) }
        try OutputFile(path, kind: .nifti).write([head] + members)
    }
}

/// The NIfTI quaternion parameters of an affine's rotation (nifti_mat44_to_quatern, for
/// matrices with orthogonal columns).
struct Quaternion {
    var b = 0.0, c = 0.0, d = 0.0, qfac = 1.0

    init(affine m: Matrix4) {
        var cols = (0..<3).map { m.column($0).normalized }
        if cols[0].dot(cols[1].cross(cols[2])) < 0 { qfac = -1; cols[2] = -cols[2] }
        let r11 = cols[0].x, r12 = cols[1].x, r13 = cols[2].x
        let r21 = cols[0].y, r22 = cols[1].y, r23 = cols[2].y
        let r31 = cols[0].z, r32 = cols[1].z, r33 = cols[2].z
        var a = r11 + r22 + r33 + 1
        if a > 0.5 {
            a = 0.5 * a.squareRoot()
            b = 0.25 * (r32 - r23) / a; c = 0.25 * (r13 - r31) / a; d = 0.25 * (r21 - r12) / a
        } else {
            let xd = 1 + r11 - (r22 + r33), yd = 1 + r22 - (r11 + r33), zd = 1 + r33 - (r11 + r22)
            if xd > 1 {
                b = 0.5 * xd.squareRoot(); c = 0.25 * (r12 + r21) / b; d = 0.25 * (r13 + r31) / b; a = 0.25 * (r32 - r23) / b
            } else if yd > 1 {
                c = 0.5 * yd.squareRoot(); b = 0.25 * (r12 + r21) / c; d = 0.25 * (r23 + r32) / c; a = 0.25 * (r13 - r31) / c
            } else {
                d = 0.5 * zd.squareRoot(); b = 0.25 * (r13 + r31) / d; c = 0.25 * (r23 + r32) / d; a = 0.25 * (r21 - r12) / d
            }
            if a < 0 { b = -b; c = -c; d = -d }
        }
    }
}

/// Reads little- or big-endian fields from a header.
struct ByteReader {
    let bytes: [UInt8]
    var swapped: Bool

    func uint32(_ o: Int) -> UInt32 {
        let v = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        return swapped ? v.byteSwapped : v
    }
    func int32(_ o: Int) -> Int32 { Int32(bitPattern: uint32(o)) }
    func int16(_ o: Int) -> Int16 {
        let v = UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8
        return Int16(bitPattern: swapped ? v.byteSwapped : v)
    }
    func float32(_ o: Int) -> Float { Float(bitPattern: uint32(o)) }
}

/// Writes little-endian fields into a header.
struct ByteWriter {
    var bytes: [UInt8]
    mutating func uint32(_ o: Int, _ v: UInt32) { for i in 0..<4 { bytes[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) } }
    mutating func int32(_ o: Int, _ v: Int32) { uint32(o, UInt32(bitPattern: v)) }
    mutating func int16(_ o: Int, _ v: Int16) {
        let u = UInt16(bitPattern: v)
        bytes[o] = UInt8(u & 0xff); bytes[o + 1] = UInt8(u >> 8)
    }
    mutating func float32(_ o: Int, _ v: Float) { uint32(o, v.bitPattern) }
}
