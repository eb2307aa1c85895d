import Anatomy
import Foundation
import Testing
@testable import Fluoroscopy

/// The imaging chain's blur between the ideal line integrals and the picture.
@Suite struct SystemBlurTests {
    @Test("The blur of a dark point has the chain's σ on both axes and keeps its energy; a flat field stays flat")
    func aPointSpreadsByTheChainsSigma() throws {
        let n = 33, centre = 16, sigma = 0.61   // σ 0.18 mm on 0.293 mm pixels (1024² over 300 mm)
        var t = [Float](repeating: 1, count: n * n)
        t[centre * n + centre] = 0
        let seen = FluoroscopyDisplay.blurred(t, width: n, height: n, sigmaPixels: sigma)
        let absorbed = seen.map { 1 - Double($0) }
        #expect(abs(absorbed.reduce(0, +) - 1) < 1e-5)
        var mx = 0.0, my = 0.0
        for y in 0..<n { for x in 0..<n {
            mx += absorbed[y * n + x] * Double((x - centre) * (x - centre))
            my += absorbed[y * n + x] * Double((y - centre) * (y - centre))
        } }
        // A sampled Gaussian's variance is σ² to within a few per cent once σ ≳ 0.5 px.
        #expect(abs(mx.squareRoot() - sigma) / sigma < 0.05 && abs(my.squareRoot() - sigma) / sigma < 0.05)
        let flat = FluoroscopyDisplay.blurred([Float](repeating: 0.3, count: n * n), width: n, height: n, sigmaPixels: 2)
        #expect(flat.allSatisfy { abs($0 - 0.3) < 1e-6 })   // the borders too: the kernel is renormalised
    }

    @Test("The chain's σ: detector and projected focal spot in quadrature; more magnification, more blur")
    func theChainsSigmaFollowsTheGeometry() throws {
        var carm = try CArm(isocentreMm: .zero, sourceDirection: Vector3(0, -1, 0))
        let expected = (0.14 * 0.14 + pow(0.255 * (1000.0 / 700 - 1), 2)).squareRoot()
        #expect(abs(FluoroscopyDisplay.systemBlurSigmaMm(carm) - expected) < 1e-12)
        carm.sadMm = 500
        #expect(FluoroscopyDisplay.systemBlurSigmaMm(carm) > expected)
    }

    @Test("A picture also carries its voxels' width: a box of edge h (σ h/√12) magnified SID/SAD, with the chain's in quadrature")
    func aPictureCarriesItsVoxelsWidth() throws {
        let carm = try CArm(isocentreMm: .zero, sourceDirection: Vector3(0, -1, 0))
        var shot = DRRImage(carm: carm, transmission: [Float](repeating: 1, count: 512 * 512), lineIntegral: [Float](repeating: 0, count: 512 * 512))
        #expect(FluoroscopyDisplay.pictureBlurSigmaMm(shot) == FluoroscopyDisplay.systemBlurSigmaMm(carm))   // no voxels: the chain
        shot.voxelMm = 1
        let voxel = 1 / 12.0.squareRoot() * 1000 / 700, chain = FluoroscopyDisplay.systemBlurSigmaMm(carm)
        #expect(abs(FluoroscopyDisplay.pictureBlurSigmaMm(shot) - (chain * chain + voxel * voxel).squareRoot()) < 1e-12)
    }
}
