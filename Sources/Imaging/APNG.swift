import ParsGuideCore
import CZlib
import Foundation

/// Animated PNG (APNG, Mozilla's extension of PNG, now in the W3C PNG 3rd edition): grey 8-bit frames of
/// one size, played in a loop. Browsers show it; viewers without APNG show the first frame. libpng as
/// shipped by Debian writes no APNG chunks, so the few chunks are written here with zlib.
public enum APNG {
    /// Writes `frames` (at least one, all the same size) with `delayMs` per frame.
    public static func write(_ frames: [GrayImage], delayMs: Int, to path: String) throws {
        guard let first = frames.first else { throw ImagingError.png(path: path, reason: "an animation needs at least one frame") }
        guard frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw ImagingError.png(path: path, reason: "all frames of an animation must be \(first.width)×\(first.height)")
        }
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = Data()
        ihdr.appendBigEndian(UInt32(first.width)); ihdr.appendBigEndian(UInt32(first.height))
        ihdr.append(contentsOf: [8, 0, 0, 0, 0])  // 8-bit grey, deflate, adaptive filters, no interlace
        chunk("IHDR", ihdr, into: &out)
        var actl = Data()
        actl.appendBigEndian(UInt32(frames.count)); actl.appendBigEndian(UInt32(0))  // loop forever
        chunk("acTL", actl, into: &out)
        var sequence: UInt32 = 0
        for (n, frame) in frames.enumerated() {
            var fctl = Data()
            fctl.appendBigEndian(sequence); sequence += 1
            fctl.appendBigEndian(UInt32(frame.width)); fctl.appendBigEndian(UInt32(frame.height))
            fctl.appendBigEndian(UInt32(0)); fctl.appendBigEndian(UInt32(0))
            fctl.appendBigEndian(UInt16(clamping: delayMs)); fctl.appendBigEndian(UInt16(1000))
            fctl.append(contentsOf: [0, 0])  // dispose none, blend source
            chunk("fcTL", fctl, into: &out)
            let compressed = try deflate(frame, path: path)
            if n == 0 {
                chunk("IDAT", compressed, into: &out)
            } else {
                var fdat = Data()
                fdat.appendBigEndian(sequence); sequence += 1
                fdat.append(compressed)
                chunk("fdAT", fdat, into: &out)
            }
        }
        chunk("IEND", Data(), into: &out)
        try OutputFile.write(out, to: path, kind: .png)
    }

    /// Scanlines with filter type 0, deflated.
    private static func deflate(_ image: GrayImage, path: String) throws -> Data {
        try deflate(rows: image.pixels, width: image.width, height: image.height, bytesPerPixel: 1, path: path)
    }

    static func deflate(rows pixels: [UInt8], width: Int, height: Int, bytesPerPixel: Int, path: String) throws -> Data {
        let stride = width * bytesPerPixel
        var raw = [UInt8](); raw.reserveCapacity((stride + 1) * height)
        for row in 0..<height {
            raw.append(0)
            raw.append(contentsOf: pixels[row * stride..<(row + 1) * stride])
        }
        var size = compressBound(uLong(raw.count))
        var buffer = [UInt8](repeating: 0, count: Int(size))
        // Level 1: fast enough for interactive frames, and still well compressed for medical images.
        let status = compress2(&buffer, &size, raw, uLong(raw.count), 1)
        guard status == Z_OK else { throw ImagingError.png(path: path, reason: "zlib error \(status)") }
        return Data(buffer[0..<Int(size)])
    }

    static func chunk(_ type: String, _ body: Data, into out: inout Data) {
        out.appendBigEndian(UInt32(body.count))
        let typed = Data(type.utf8) + body
        out.append(typed)
        let crc = typed.withUnsafeBytes { crc32(0, $0.bindMemory(to: Bytef.self).baseAddress, uInt(typed.count)) }
        out.appendBigEndian(UInt32(crc))
    }
}

extension Data {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.bigEndian) { append(contentsOf: $0) }
    }
}
