import CZlib
import Foundation

/// Gzip compression and decompression through the system zlib.
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Compresses `data` into one gzip member.
    /// - Parameter level: zlib level 0…9; 1 is fast and still shrinks label volumes ~50×.
    public static func compress(_ data: Data, level: Int32 = 1) throws -> Data {
        var stream = z_stream()
        // windowBits 15 + 16 selects the gzip wrapper.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw VolumeError.compression(reason: "deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var out = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        let written: Int = try data.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
            try out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
                stream.next_in = UnsafeMutablePointer(mutating: src.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(dst.count)
                let status = deflate(&stream, Z_FINISH)
                guard status == Z_STREAM_END else {
                    throw VolumeError.compression(reason: "deflate returned \(status)")
                }
                return Int(stream.total_out)
            }
        }
        out.count = written
        return out
    }

    /// Compresses large buffers on all cores as concatenated gzip members (RFC 1952 allows several;
    /// zlib, nibabel, Python's gzip and gunzip read them as one stream).
    public static func compressParallel(_ data: Data, level: Int32 = 1, chunkBytes: Int = 8 << 20) throws -> Data {
        if data.count <= chunkBytes { return try compress(data, level: level) }
        let chunks = (data.count + chunkBytes - 1) / chunkBytes
        let results = ResultSlots<Result<Data, Error>>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = data.startIndex + c * chunkBytes
            let hi = min(data.endIndex, lo + chunkBytes)
            results[c] = Result { try compress(data.subdata(in: lo..<hi), level: level) }
        }
        var out = Data()
        for c in 0..<chunks { out.append(try results[c]!.get()) }
        return out
    }

    /// Decompresses gzip (one or several members) or zlib data.
    /// - Throws: `VolumeError.compression` for corrupt or truncated input.
    /// Inflates at most `maxBytes` (the rest of the stream is never inflated: a file cannot make the
    /// reader allocate more than its caller expects).
    public static func decompress(_ data: Data, sizeHint: Int = 0, maxBytes: Int = .max) throws -> Data {
        guard !data.isEmpty else { throw VolumeError.compression(reason: "the compressed stream is empty") }
        // Deflate expands at most 1032:1, so a hint beyond that (a hostile header's promise) is not allocated.
        let most = data.count.multipliedReportingOverflow(by: 1032).overflow ? Int.max : data.count * 1032 + (1 << 16)
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
