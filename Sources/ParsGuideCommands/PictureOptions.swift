import ArgumentParser
import ParsGuideCore

/// `--size` of a square picture — a detector, a rehearsal frame — shared by `fluoro`, `confirm` and `insert`:
/// one help text, the one parser and range of `PixelSize`, and one refusal of a rectangle.
struct SquareSizeOption: ParsableArguments {
    @Option(help: ArgumentHelp("Picture side, pixels: N or NxN (\(PixelSize.side.allowedText)); the picture is square. (default: 512)", valueName: "N"),
            transform: PixelSize.parse)
    var size = PixelSize.constant(width: 512, height: 512)

    /// The side, px, once `check` has passed.
    var pixels: Int { size.width }

    func check() throws {
        guard size.isSquare else {
            throw ValidationError("--size \(size) is not square: this picture is square, so give one number, e.g. --size \(size.width)")
        }
    }
}

/// `--seed`, shared by every command that draws seeded textures or noise: the same seed, the same output.
struct SeedOption: ParsableArguments {
    @Option(help: "Seed of the random textures and noise (CT texture, speckle, quantum noise): the same seed gives the same output.")
    var seed: UInt64 = 1
}

extension PixelSize {
    /// Help text of a `--size` that takes a rectangle, defaulting to this size.
    var rectangleHelp: String { "Picture size, pixels: WIDTHxHEIGHT or N for a square (sides \(PixelSize.side.allowedText)). (default: \(self))" }
}
