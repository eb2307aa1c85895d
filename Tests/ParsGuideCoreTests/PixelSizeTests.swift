import Testing
@testable import ParsGuideCore

/// `--size` and the web API's picture size: one parser and one range for every picture.
@Suite struct PixelSizeTests {
    @Test("N is a square, WIDTHxHEIGHT a rectangle; case and spaces do not matter")
    func parses() throws {
        #expect(try PixelSize.parse("512") == PixelSize(width: 512, height: 512))
        #expect(try PixelSize.parse("640x480") == PixelSize(width: 640, height: 480))
        #expect(try PixelSize.parse(" 640 X 480 ") == PixelSize(width: 640, height: 480))
        #expect(try PixelSize.parse("16").isSquare)
        #expect(try !PixelSize.parse("4096x16").isSquare)
        #expect(try PixelSize.parse("640x480").description == "640x480")
    }

    @Test("Malformed sizes name the text and both forms; sides outside 16–4096 px name the side and the range")
    func refuses() {
        for text in ["", "x", "512x", "x512", "512x512x512", "abc", "5.5", "512*512", "0x10x"] {
            #expect(throws: PixelSizeSyntax(text: text)) { try PixelSize.parse(text) }
        }
        #expect(PixelSizeSyntax(text: "abc").description == "image size 'abc' is not N or WIDTHxHEIGHT, e.g. 512 or 640x480")
        for (text, side) in [("15", 15), ("0", 0), ("-512", -512), ("4097x512", 4097), ("512x15", 15)] {
            #expect(throws: ParameterOutOfRange(parameter: PixelSize.side, value: Double(side))) { try PixelSize.parse(text) }
        }
        #expect(ParameterOutOfRange(parameter: PixelSize.side, value: 0).description == "image side 0 px is out of range: allowed 16–4096 px")
    }
}
