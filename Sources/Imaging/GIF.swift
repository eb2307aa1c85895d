import ParsGuideCore
import Foundation

/// Animated GIF (GIF89a) of grey 8-bit frames: a 256-level grey palette, LZW-compressed, looping. Written
/// here because no GIF library ships with the OS image; the encoder is the textbook one (variable code
/// width from 9 to 12 bits, a clear code when the table fills).
public enum GIF {
    public static func write(_ frames: [GrayImage], delayMs: Int, to path: String) throws {
        guard let first = frames.first else { throw ImagingError.png(path: path, reason: "an animation needs at least one frame") }
        guard first.width <= 65535, first.height <= 65535, frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
            throw ImagingError.png(path: path, reason: "all frames must share one size ≤ 65535")
        }
        var out = Data("GIF89a".utf8)
        out.appendLittleEndian(UInt16(first.width)); out.appendLittleEndian(UInt16(first.height))
        out.append(contentsOf: [0xF7, 0, 0])  // global colour table of 256 entries, 8 bits
        for v in 0..<256 { out.append(contentsOf: [UInt8(v), UInt8(v), UInt8(v)]) }
        // Loop forever (NETSCAPE2.0 application extension).
        out.append(contentsOf: [0x21, 0xFF, 0x0B] + Array("NETSCAPE2.0".utf8) + [0x03, 0x01, 0x00, 0x00, 0x00])
        for frame in frames {
            out.append(contentsOf: [0x21, 0xF9, 0x04, 0x00])
            out.appendLittleEndian(UInt16(clamping: delayMs / 10)); out.append(contentsOf: [0x00, 0x00])
            out.append(0x2C)
            out.appendLittleEndian(UInt16(0)); out.appendLittleEndian(UInt16(0))
            out.appendLittleEndian(UInt16(frame.width)); out.appendLittleEndian(UInt16(frame.height))
            out.append(0x00)
            out.append(8)  // minimum code size
            let codes = lzw(frame.pixels)
            var index = 0
            while index < codes.count {
                let n = min(255, codes.count - index)
                out.append(UInt8(n)); out.append(contentsOf: codes[index..<index + n])
                index += n
            }
            out.append(0x00)
        }
        out.append(0x3B)
        try OutputFile.write(out, to: path, kind: .gif)
    }

    /// LZW with 8-bit symbols: codes packed least-significant bit first.
    static func lzw(_ pixels: [UInt8]) -> [UInt8] {
        let clear = 256, end = 257
        var table: [Int: Int] = [:]  // (prefix code << 8 | byte) → code
        var next = 258, width = 9
        var bytes: [UInt8] = [], bitBuffer = 0, bitCount = 0
        func emit(_ code: Int) {
            bitBuffer |= code << bitCount
            bitCount += width
            while bitCount >= 8 { bytes.append(UInt8(bitBuffer & 0xFF)); bitBuffer >>= 8; bitCount -= 8 }
        }
        emit(clear)
        guard var prefix = pixels.first.map(Int.init) else { emit(end); return bytes }
        for p in pixels.dropFirst() {
            let key = prefix << 8 | Int(p)
            if let code = table[key] { prefix = code; continue }
            emit(prefix)
            if next < 4096 {
                table[key] = next
                next += 1
                // The decoder widens one code later than the encoder adds the entry.
                if next > (1 << width) && width < 12 { width += 1 }
            } else {
                emit(clear)
                table.removeAll(keepingCapacity: true)
                next = 258; width = 9
            }
            prefix = Int(p)
        }
        emit(prefix)
        emit(end)
        if bitCount > 0 { bytes.append(UInt8(bitBuffer & 0xFF)) }
        return bytes
    }
}

extension Data {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }
}
