import Anatomy
import Foundation
import Testing
@testable import Fluoroscopy

@Suite struct IodineVolumeTests {
    /// `fluoro --contrast` with a NaN or infinite voxel trapped the display (bench/contrast-fuzz.py: 22 of 300
    /// mutants): such a volume is refused on read, naming the voxel, and the display never traps.
    @Test func hostileConcentrationsAreRefusedNamingTheVoxel() throws {
        let grid = try Grid(dimensions: SIMD3(4, 3, 2), spacingMm: Vector3(1, 1, 1), originMm: .zero)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parsguide-iodine-\(getpid()).nii").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var volume = Volume<Float>(grid: grid, repeating: 0)
        volume[1, 2, 1] = 120
        try NIfTI.write(volume, to: path)
        #expect(try IodineVolume.read(path: path).voxels.max() == 120)
        for bad: Float in [.nan, .infinity, -.infinity, -1, 1e38] {
            volume[3, 0, 1] = bad
            try NIfTI.write(volume, to: path)
            do {
                _ = try IodineVolume.read(path: path)
                Issue.record("\(bad) mg I/mL was accepted")
            } catch let e as FluoroscopyError {
                #expect("\(e)".contains("voxel (3, 0, 1)") && "\(e)".contains("0–400"), "\(e)")
            }
        }
    }

    @Test func theDisplayShowsANaNPixelDarkInsteadOfTrapping() throws {
        let carm = try CArm(isocentreMm: .zero, sourceDirection: CArm.View.ap.sourceDirection(), pixels: 8)
        var transmission = [Float](repeating: 0.5, count: 64)
        transmission[3] = .nan
        transmission[5] = 0.1
        let image = FluoroscopyDisplay.image(DRRImage(carm: carm, transmission: transmission, lineIntegral: [Float](repeating: 1, count: 64)))
        #expect(image.pixels[3] == 0 && image.pixels[0] > 0)
        let allNaN = FluoroscopyDisplay.image(DRRImage(carm: carm, transmission: [Float](repeating: .nan, count: 64), lineIntegral: [Float](repeating: 0, count: 64)))
        #expect(allNaN.pixels.allSatisfy { $0 == 0 })
    }
}
