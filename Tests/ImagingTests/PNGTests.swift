import Foundation
import Testing
@testable import Imaging
import ParsGuideCore

@Suite struct PNGTests {
    static func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-\(getpid())-\(name)").path
    }

    @Test("Grey and RGB images survive a PNG round trip through libpng")
    func roundTrip() throws {
        let gray = GrayImage(width: 7, height: 5, pixels: (0..<35).map { UInt8($0 * 7) })
        var rgb = RGBImage(width: 3, height: 2)
        rgb[0, 0] = RGB(255, 0, 0); rgb[2, 1] = RGB(1, 2, 3)
        let pg = Self.temp("g.png"), pc = Self.temp("c.png")
        defer { try? FileManager.default.removeItem(atPath: pg); try? FileManager.default.removeItem(atPath: pc) }
        try PNG.write(gray, to: pg)
        try PNG.write(rgb, to: pc)
        #expect(try PNG.readRGB(path: pg) == RGBImage(gray))
        #expect(try PNG.readRGB(path: pc) == rgb)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: pg))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // The in-memory encoder (the web's) holds the same pixels.
        try PNG.encode(rgb).write(to: URL(fileURLWithPath: pc))
        #expect(try PNG.readRGB(path: pc) == rgb)
        try PNG.encode(gray).write(to: URL(fileURLWithPath: pg))
        #expect(try PNG.readRGB(path: pg) == RGBImage(gray))
    }

    /// Noise does not compress: the encoder's one pass into a worst-case buffer must hold it, at sizes from one
    /// pixel to a web frame, and the bound must not be loose by more than a few per cent.
    @Test("Incompressible images encode in one pass within the worst-case bound and read back the same")
    func noiseFitsTheWorstCaseBound() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 { state = state &* 6364136223846793005 &+ 1442695040888963407; return UInt8(truncatingIfNeeded: state >> 56) }
        let path = Self.temp("noise.png")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (w, h) in [(1, 1), (7, 3), (64, 64), (512, 512)] {
            var rgb = RGBImage(width: w, height: h)
            for i in rgb.pixels.indices { rgb.pixels[i] = RGB(next(), next(), next()) }
            let gray = GrayImage(width: w, height: h, pixels: (0..<(w * h)).map { _ in next() })
            for (data, channels) in [(try PNG.encode(rgb), 3), (try PNG.encode(gray), 1)] {
                let raw = h * (1 + w * channels)
                #expect(data.count <= PNG.worstCaseBytes(width: w, height: h, channels: channels))
                #expect(w < 64 || Double(PNG.worstCaseBytes(width: w, height: h, channels: channels)) < Double(raw) * 1.01 + 1100)
                try data.write(to: URL(fileURLWithPath: path))
                #expect(try PNG.readRGB(path: path) == (channels == 3 ? rgb : RGBImage(gray)), "\(w)×\(h), \(channels) channels")
            }
        }
    }

    @Test("Writing into a missing folder fails cleanly and leaves no file")
    func badPath() {
        // Output rules live in ParsGuideCore: the error names the path and says why.
        #expect(throws: OutputError.badParent(path: "/nonexistent-dir/x.png", flag: "--out", reason: "its folder /nonexistent-dir does not exist; create it first")) {
            try PNG.write(GrayImage(width: 2, height: 2), to: "/nonexistent-dir/x.png")
        }
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent-dir"))
        #expect(throws: ImagingError.self) { try PNG.readRGB(path: "/nonexistent-dir/x.png") }
    }

    @Test("Windowing maps level ± width/2 to 0 and 255")
    func windowing() {
        let img = GrayImage.windowed([-700, 300, 1300, 5000], width: 4, height: 1, level: 300, window: 2000)
        #expect(img.pixels == [0, 128, 255, 255])
    }
}

@Suite struct WindowTests {
    @Test("A window maps huge, infinite and NaN values without trapping: ends clamp, NaN is black")
    func hostileValues() {
        let image = GrayImage.windowed([3.4e38, -3.4e38, .infinity, -.infinity, .nan, 300], width: 6, height: 1, level: 300, window: 1600)
        #expect(image.pixels == [255, 0, 255, 0, 0, 128])
    }
}
