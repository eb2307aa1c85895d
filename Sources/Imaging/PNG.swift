import ParsGuideCore
import CPNG
import Foundation

/// Errors from PNG encoding and decoding.
public enum ImagingError: Error, CustomStringConvertible {
    case png(path: String, reason: String)

    public var description: String {
        switch self {
        case let .png(path, reason): return "PNG \(path): \(reason)"
        }
    }
}

/// PNG files through the system libpng (8-bit grey and RGB).
public enum PNG {
    public static func write(_ image: GrayImage, to path: String) throws {
        try write(path: path, width: image.width, height: image.height, colorType: PNG_COLOR_TYPE_GRAY, bytes: image.pixels)
    }

    public static func write(_ image: RGBImage, to path: String) throws {
        try write(path: path, width: image.width, height: image.height, colorType: PNG_COLOR_TYPE_RGB, bytes: interleaved(image))
    }

    /// The pixels as r, g, b bytes, row by row.
    private static func interleaved(_ image: RGBImage) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(image.pixels.count * 3)
        for p in image.pixels { bytes.append(p.r); bytes.append(p.g); bytes.append(p.b) }
        return bytes
    }

    /// Encodes in memory, then writes with `OutputFile`'s rules (a temporary file renamed into place; never
    /// over a link, a device or a file that is not a PNG).
    private static func write(path: String, width: Int, height: Int, colorType: Int32, bytes: [UInt8]) throws {
        let data = try encoded(width: width, height: height, colorType: colorType, bytes: bytes, fast: false, path: path)
        try OutputFile.write(data, to: path, kind: .png)
    }

    /// A PNG file in memory (8-bit grey), for serving over HTTP: the same pixels `write` stores, compressed
    /// for speed (libpng's `PNG_IMAGE_FLAG_FAST`: no row filters, zlib level 3).
    public static func encode(_ image: GrayImage) throws -> Data {
        try encoded(width: image.width, height: image.height, colorType: PNG_COLOR_TYPE_GRAY, bytes: image.pixels, fast: true, path: "(memory)")
    }

    /// A PNG file in memory (8-bit RGB), compressed for speed like the grey one.
    public static func encode(_ image: RGBImage) throws -> Data {
        try encoded(width: image.width, height: image.height, colorType: PNG_COLOR_TYPE_RGB, bytes: interleaved(image), fast: true, path: "(memory)")
    }

    /// Encodes through libpng's simplified API and its memory writer, into a buffer sized for the worst case
    /// (asking libpng for the size first would compress the image twice: a quarter of the web simulator's
    /// CPU under load went to zlib); if even that is short, it is sized by libpng and written again.
    private static func encoded(width: Int, height: Int, colorType: Int32, bytes: [UInt8], fast: Bool, path: String) throws -> Data {
        var img = png_image()
        img.version = UInt32(PNG_IMAGE_VERSION)
        img.width = UInt32(width)
        img.height = UInt32(height)
        img.format = colorType == PNG_COLOR_TYPE_GRAY ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        if fast { img.flags = UInt32(PNG_IMAGE_FLAG_FAST) }
        let channels = colorType == PNG_COLOR_TYPE_GRAY ? 1 : 3
        var size = png_alloc_size_t(worstCaseBytes(width: width, height: height, channels: channels))
        var data = Data(count: Int(size))
        var ok = data.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { png_image_write_to_memory(&img, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        if ok == 0, size > data.count {
            // The bound was short (it should not be): libpng has set `size` to what it needs.
            png_image_free(&img)
            img.warning_or_error = 0
            data = Data(count: Int(size))
            ok = data.withUnsafeMutableBytes { out in
                bytes.withUnsafeBytes { png_image_write_to_memory(&img, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
            }
        }
        guard ok != 0 else { throw ImagingError.png(path: path, reason: libpngMessage(&img)) }
        png_image_free(&img)
        return data.prefix(Int(size))
    }

    /// An upper bound on a PNG's size: the filtered rows stored uncompressed by zlib (5 bytes per 16 kB
    /// stored block, zlib's own 6), 12 bytes of chunk framing per IDAT of at least 4 kB, and a kilobyte for the
    /// signature and the header, colour and end chunks.
    static func worstCaseBytes(width: Int, height: Int, channels: Int) -> Int {
        let raw = height * (1 + width * channels)
        return raw + (raw / 16384 + 1) * 5 + 6 + (raw / 4096 + 1) * 12 + 1024
    }

    private static func libpngMessage(_ img: inout png_image) -> String {
        let message = withUnsafeBytes(of: img.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        png_image_free(&img)
        return message.isEmpty ? "encoding failed" : message
    }

    /// Reads any PNG as 8-bit RGB (used by tests and golden-image checks).
    public static func readRGB(path: String) throws -> RGBImage {
        var img = png_image()
        img.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&img, path) != 0 else {
            throw ImagingError.png(path: path, reason: "not a readable PNG")
        }
        img.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(img.width), height = Int(img.height)
        var bytes = [UInt8](repeating: 0, count: width * height * 3)
        let ok = bytes.withUnsafeMutableBytes { png_image_finish_read(&img, nil, $0.baseAddress, 0, nil) }
        guard ok != 0 else {
            png_image_free(&img)
            throw ImagingError.png(path: path, reason: "decoding failed")
        }
        var out = RGBImage(width: width, height: height)
        for i in 0..<(width * height) { out.pixels[i] = RGB(bytes[3 * i], bytes[3 * i + 1], bytes[3 * i + 2]) }
        return out
    }
}
