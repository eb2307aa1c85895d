import CDeflate
import CZlib
import Foundation

/// Gzip compression and decompression: libdeflate (whole buffers, ≈ 2× zlib's speed on a CT volume:
/// docs/BENCHMARKS.md) for writing and for inflating a stream whose size is known; zlib's streaming
/// inflate for the rest (zlib-wrapped data, a prefix of a stream, damaged input and its messages).
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Compresses `data` into one gzip member.
    /// - Parameter level: libdeflate level 0…12; 1 is fast and still shrinks label volumes ~40×.
    public static func compress(_ data: Data, level: Int32 = 1) throws -> Data {
        try data.withUnsafeBytes { try compress($0, level: level) }
    }

    /// Compresses `bytes` into one gzip member (see `compress(_:level:)`). The worst-case buffer is scratch
    /// (reused by the allocator from call to call); only the member's own bytes are kept.
    static func compress(_ bytes: UnsafeRawBufferPointer, level: Int32) throws -> Data {
        guard (0...12).contains(level), let compressor = libdeflate_alloc_compressor(level) else {
            throw VolumeError.compression(reason: "compression level \(level) is not available (allowed 0…12)")
        }
        defer { libdeflate_free_compressor(compressor) }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: libdeflate_gzip_compress_bound(compressor, bytes.count),
                                                             alignment: 16)
        defer { scratch.deallocate() }
        // An empty input still needs a valid address.
        let written = withUnsafeBytes(of: UInt8(0)) { empty in
            libdeflate_gzip_compress(compressor, bytes.baseAddress ?? empty.baseAddress!, bytes.count,
                                     scratch.baseAddress!, scratch.count)
        }
        guard written > 0 else { throw VolumeError.compression(reason: "libdeflate could not compress \(bytes.count) bytes") }
        return Data(bytes: scratch.baseAddress!, count: written)
    }

    /// Compresses large buffers on all cores as concatenated gzip members (RFC 1952 allows several;
    /// zlib, nibabel, Python's gzip and gunzip read them as one stream).
    public static func compressParallel(_ data: Data, level: Int32 = 1, chunkBytes: Int = 8 << 20) throws -> Data {
        let members = try data.withUnsafeBytes { try compressedMembers($0, level: level, chunkBytes: chunkBytes) }
        var out = Data(capacity: members.reduce(0) { $0 + $1.count })
        for member in members { out.append(member) }
        return out
    }

    /// The gzip members of `compressParallel(_:level:chunkBytes:)`, one per chunk of `bytes`, in order
    /// (written one after another they are its stream, without joining them in memory first).
    static func compressedMembers(_ bytes: UnsafeRawBufferPointer, level: Int32 = 1, chunkBytes: Int = 8 << 20) throws -> [Data] {
        if bytes.count <= chunkBytes { return [try compress(bytes, level: level)] }
        let count = bytes.count, chunks = (count + chunkBytes - 1) / chunkBytes
        let results = ResultSlots<Result<Data, Error>>(count: chunks)
        let shared = SharedBytes(base: bytes.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * chunkBytes, hi = min(count, lo + chunkBytes)
            results[c] = Result { try compress(UnsafeRawBufferPointer(start: shared.base + lo, count: hi - lo), level: level) }
        }
        return try (0..<chunks).map { try results[$0]!.get() }
    }

    /// Read-only bytes shared with the compressing iterations.
    private struct SharedBytes: @unchecked Sendable { let base: UnsafeRawPointer }

    /// Inflates every gzip member of `src` into one buffer of `capacity` bytes with libdeflate; nil when
    /// the stream is not gzip, does not fit, or is damaged (the streaming inflate then decides and words
    /// the error). Trailing zero padding after a member ends the stream, as in the streaming path.
    static func inflatedWhole(_ src: UnsafeRawBufferPointer, capacity: Int) -> Data? {
        guard src.count >= 2, src[0] == 0x1f, src[1] == 0x8b, let inflater = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(inflater) }
        var out = Data(count: capacity)
        var consumed = 0, produced = 0
        let complete = out.withUnsafeMutableBytes { dst -> Bool in
            while consumed < src.count {
                if src[consumed...].allSatisfy({ $0 == 0 }) { break }
                var read = 0, wrote = 0
                let status = libdeflate_gzip_decompress_ex(inflater, src.baseAddress! + consumed, src.count - consumed,
                                                           dst.baseAddress! + produced, capacity - produced, &read, &wrote)
                guard status == LIBDEFLATE_SUCCESS else { return false }
                consumed += read; produced += wrote
            }
            return true
        }
        guard complete else { return nil }
        out.count = produced
        return out
    }

    /// The size a gzip stream's last member declares (its ISIZE field, modulo 2³²): the whole stream's
    /// size for one member, a lower bound otherwise.
    static func declaredSize(_ src: UnsafeRawBufferPointer) -> Int {
        guard src.count >= 18 else { return 0 }
        return (0..<4).reduce(0) { $0 | Int(src[src.count - 4 + $1]) << (8 * $1) }
    }

    /// Decompresses gzip (one or several members) or zlib data.
    /// - Throws: `VolumeError.compression` for corrupt or truncated input.
    /// Inflates at most `maxBytes` (the rest of the stream is never inflated: a file cannot make the
    /// reader allocate more than its caller expects).
    public static func decompress(_ data: Data, sizeHint: Int = 0, maxBytes: Int = .max) throws -> Data {
        guard !data.isEmpty else { throw VolumeError.compression(reason: "the compressed stream is empty") }
        // Deflate expands at most 1032:1, so a hint beyond that (a hostile header's promise) is not allocated.
        let most = data.count.multipliedReportingOverflow(by: 1032).overflow ? Int.max : data.count * 1032 + (1 << 16)
        // A stream of known size (≥ 1 MiB: a volume, not a header) is inflated whole by libdeflate.
        let whole: Data? = data.withUnsafeBytes { src in
            let capacity = min(maxBytes, most, sizeHint > 0 ? sizeHint : declaredSize(src))
            return capacity >= 1 << 20 ? inflatedWhole(src, capacity: capacity) : nil
        }
        if let whole { return whole }
        var out = Data(count: min(maxBytes, max(min(sizeHint, most), data.count * 4, 1 << 16)))
        var produced = 0
        try data.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            var stream = z_stream()
            // windowBits 15 + 32 detects gzip or zlib headers.
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw VolumeError.compression(reason: "inflateInit2 failed")
            }
            defer { inflateEnd(&stream) }
            // zlib counts in 32 bits: input and output are handed over at most 4 GiB − 1 at a time.
            let chunk = Int(UInt32.max)
            var consumed = 0
            stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(min(src.count, chunk))
            while true {
                if stream.avail_in == 0, consumed + chunk < src.count {
                    consumed += chunk
                    stream.avail_in = uInt(min(src.count - consumed, chunk))
                }
                if produced == maxBytes { return }
                if produced == out.count { out.count = min(maxBytes, out.count * 2) }
                let status: Int32 = out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
                    stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress! + produced
                    stream.avail_out = uInt(min(dst.count - produced, chunk))
                    let before = stream.avail_out
                    let s = inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    return s
                }
                // The input not yet handed to zlib or not yet consumed by it.
                let rest = UnsafeRawBufferPointer(rebasing: src[(UnsafeRawPointer(stream.next_in!) - src.baseAddress!)...])
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow; skip trailing zero padding.
                    if rest.allSatisfy({ $0 == 0 }) { return }
                    inflateReset(&stream)
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    if rest.isEmpty {
                        throw VolumeError.compression(reason: "compressed stream ends early (truncated file)")
                    }
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                    throw VolumeError.compression(reason: "corrupt data (\(message))")
                }
            }
        }
        out.count = produced
        return out
    }
}
