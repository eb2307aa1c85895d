import Foundation

extension PNG {
    /// A PNG file in memory (8-bit grey), for serving over HTTP: the same pixels `write` stores.
    public static func encode(_ image: GrayImage) throws -> Data {
        try encode(width: image.width, height: image.height, colourType: 0, bytesPerPixel: 1, pixels: image.pixels)
    }

    /// A PNG file in memory (8-bit RGB).
    public static func encode(_ image: RGBImage) throws -> Data {
        try encode(width: image.width, height: image.height, colourType: 2, bytesPerPixel: 3, pixels: image.pixels.flatMap { [$0.r, $0.g, $0.b] })
    }

    static func encode(width: Int, height: Int, colourType: UInt8, bytesPerPixel: Int, pixels: [UInt8]) throws -> Data {
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = Data()
        ihdr.appendBigEndian(UInt32(width)); ihdr.appendBigEndian(UInt32(height))
        ihdr.append(contentsOf: [8, colourType, 0, 0, 0])
        APNG.chunk("IHDR", ihdr, into: &out)
        APNG.chunk("IDAT", try APNG.deflate(rows: pixels, width: width, height: height, bytesPerPixel: bytesPerPixel, path: "(memory)"), into: &out)
        APNG.chunk("IEND", Data(), into: &out)
        return out
    }
}
