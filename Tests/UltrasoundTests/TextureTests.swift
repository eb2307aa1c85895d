import Foundation
import Testing
import Anatomy
@testable import Ultrasound

/// Speckle size against the point-spread function, and the tissue texture's geometry (issue 18 part 4).
@Suite struct TextureTests {
    /// Normalised autocovariance of an image (row-major, `width` columns) along its rows (`alongRows`) or
    /// its columns, at lags 0…maxLag pixels.
    static func autocovariance(_ image: [Double], width: Int, alongRows: Bool, maxLag: Int) -> [Double] {
        let height = image.count / width
        let mean = image.reduce(0, +) / Double(image.count)
        let centred = image.map { $0 - mean }
        let c = (0...maxLag).map { lag in
            var sum = 0.0, count = 0
            for r in 0..<(alongRows ? height : height - lag) {
                for c in 0..<(alongRows ? width - lag : width) {
                    let other = alongRows ? r * width + c + lag : (r + lag) * width + c
                    sum += centred[r * width + c] * centred[other]; count += 1
                }
            }
            return sum / Double(count)
        }
        return c.map { $0 / c[0] }
    }

    /// Full width at half maximum of a symmetric autocovariance given from lag 0, in lags.
    static func halfWidth(_ rho: [Double]) -> Double {
        guard let k = rho.firstIndex(where: { $0 < 0.5 }), k > 0 else { return Double(rho.count) }
        return 2 * (Double(k - 1) + (rho[k - 1] - 0.5) / (rho[k - 1] - rho[k]))
    }

    /// Fully developed speckle's grain is the system's resolution cell: the intensity autocovariance of a
    /// circular Gaussian field imaged by a PSF h is |R_h|² (Wagner et al., IEEE Trans Sonics Ultrason
    /// 1983;30:156–163), whose FWHM equals the envelope FWHM of h for a Gaussian h. Lossless muscle (so
    /// the pulse is the water one's), 512 lines (0.23 mm apart at 40 mm) against the point target at 40 mm.
    @Test func speckleGrainMatchesThePointSpread() throws {
        var lossless = TissueAcoustics.muscle
        lossless.attenuationDBPerCmMHz = 0
        let volume = Media.block(depthMm: 60, voxelMm: 1) { _ in Media.muscle }
        var settings = Media.settings(depthMm: 60, lines: 512)
        settings.noiseFloorDB = nil
        let sim = try BModeSimulator(settings: settings, tissueOverrides: [Media.muscle: lossless])
        let px = 0.05
        let window = ImageGeometry(width: 321, height: 201, pixelSpacingMm: px, xOriginMm: -8, zOriginMm: 35, columnSign: 1)
        let envelope = sim.linearEnvelope(labels: volume, pose: Media.origin, geometry: window)
        let intensity = envelope.map { Double($0) * Double($0) }
        let lateral = Self.halfWidth(Self.autocovariance(intensity, width: window.width, alongRows: true, maxLag: 60)) * px
        let axial = Self.halfWidth(Self.autocovariance(intensity, width: window.width, alongRows: false, maxLag: 40)) * px

        let target = try PointTarget(simulator: try BModeSimulator(settings: PointTarget.settings(depthMm: 40)))
        let psf = try target.pointSpread(depthMm: 40, pixelMm: 0.02, windowMm: 4)
        #expect(abs(lateral / psf.lateralFWHMMm - 1) < 0.2, "lateral speckle \(lateral) mm, PSF \(psf.lateralFWHMMm) mm")
        #expect(abs(axial / psf.axialFWHMMm - 1) < 0.2, "axial speckle \(axial) mm, PSF \(psf.axialFWHMMm) mm")
    }

    /// The lateral (along image rows) autocovariance of the intensity 30–50 mm deep, ±12 mm about the
    /// central line, each row relative to the mean of the rows within ±2.5 mm of it (the mean's fall with
    /// depth is not texture), averaged over seeds 1–3; and its integral over lags 0–4 mm (mm).
    static func lateralCorrelation(_ settings: BModeSettings, _ volume: Volume<UInt8>, _ pose: ProbePose) throws -> (rho: [Double], lengthMm: Double) {
        let px = 0.1, maxLag = 40
        let window = ImageGeometry(width: 241, height: 201, pixelSpacingMm: px, xOriginMm: -12, zOriginMm: 30, columnSign: 1)
        var rho = [Double](repeating: 0, count: maxLag + 1)
        for seed in UInt64(1)...3 {
            var s = settings
            s.seed = seed
            var intensity = try BModeSimulator(settings: s).linearEnvelope(labels: volume, pose: pose, geometry: window).map { Double($0) * Double($0) }
            let rowMeans = (0..<window.height).map { r in intensity[r * window.width..<(r + 1) * window.width].reduce(0, +) / Double(window.width) }
            for r in 0..<window.height {
                let near = rowMeans[max(0, r - 25)...min(window.height - 1, r + 25)]
                let mean = near.reduce(0, +) / Double(near.count)
                for i in r * window.width..<(r + 1) * window.width { intensity[i] /= mean }
            }
            let one = autocovariance(intensity, width: window.width, alongRows: true, maxLag: maxLag)
            for k in rho.indices { rho[k] += one[k] / 3 }
        }
        // Trapezoid over lags 0…4 mm.
        let length = (rho.reduce(0, +) - (rho[0] + rho[maxLag]) / 2) * px
        return (rho, length)
    }

    /// Muscle fibres run craniocaudally (+z, tilted by the pennation angle in the sagittal plane): imaged
    /// along the fibres the texture stays correlated over millimetres (stripes); across them, in either
    /// transverse direction, it decorrelates as fast as the speckle and the same way (dots). Each view puts
    /// the direction measured along the image's rows, so the PSF is the same in all three.
    @Test func striatedMuscleIsAnisotropicAlongTheFibresAndIsotropicAcross() throws {
        // A muscle cube of 1 mm voxels (the texture is continuous in the world; the voxels only carry labels).
        let grid = try Grid(dimensions: SIMD3(120, 90, 120), spacingMm: Vector3(1, 1, 1), originMm: Vector3(-59.5, -79.5, -59.5))
        let volume = Volume(grid: grid, repeating: Tissue.multifidus.rawValue)
        var settings = Media.settings(depthMm: 60, lines: 256, texture: true)
        settings.noiseFloorDB = nil
        let tilt = TissueTexture.pennationDeg * .pi / 180
        let fibre = Vector3(0, -sin(tilt), cos(tilt))
        // Sagittal, array along the fibres; across the fibres (the elevation along them) with the array along
        // x; and from the side, beam −x, array across the fibres in the sagittal plane. Each window (30–50 mm
        // deep) lies inside the cube.
        let along = try Self.lateralCorrelation(settings, volume, try ProbePose(centreMm: Vector3(0, 0, 0), beam: Vector3(0, -cos(tilt), -sin(tilt)), azimuth: fibre))
        let normal = Vector3(0, cos(tilt), sin(tilt))   // across the fibres, in the sagittal plane
        let acrossX = try Self.lateralCorrelation(settings, volume, try ProbePose(centreMm: Vector3(0, 0, 0), beam: -normal, azimuth: Vector3(1, 0, 0)))
        let acrossY = try Self.lateralCorrelation(settings, volume, try ProbePose(centreMm: Vector3(50, -40, 0), beam: Vector3(-1, 0, 0), azimuth: normal))
        #expect(along.lengthMm >= 2 * acrossX.lengthMm, "along the fibres \(along.lengthMm) mm, across (x) \(acrossX.lengthMm) mm")
        #expect(abs(acrossX.lengthMm / acrossY.lengthMm - 1) < 0.25, "across: x \(acrossX.lengthMm) mm, y \(acrossY.lengthMm) mm")
        #expect(abs(Self.halfWidth(acrossX.rho) / Self.halfWidth(acrossY.rho) - 1) < 0.2, "across: FWHM x \(Self.halfWidth(acrossX.rho)), y \(Self.halfWidth(acrossY.rho)) px")

        // The texture adds structure, not brightness: the mean intensity is that of uniform speckle.
        let sim = try BModeSimulator(settings: settings)
        settings.tissueTexture = false
        let plain = try BModeSimulator(settings: settings)
        let window = ImageGeometry(width: 161, height: 201, pixelSpacingMm: 0.1, xOriginMm: -8, zOriginMm: 30, columnSign: 1)
        let transverse = try ProbePose(centreMm: Vector3(0, 0, 0), beam: Vector3(0, -1, 0), azimuth: Vector3(1, 0, 0))
        func meanIntensity(_ s: BModeSimulator) -> Double {
            let e = s.linearEnvelope(labels: volume, pose: transverse, geometry: window)
            return e.reduce(0) { $0 + Double($1) * Double($1) } / Double(e.count)
        }
        let ratioDB = 10 * log10(meanIntensity(sim) / meanIntensity(plain))
        #expect(abs(ratioDB) < 1.5, "textured over plain mean intensity: \(ratioDB) dB")
    }

    /// Fat's septa run parallel to the skin (here the xz plane): in a transverse view they are lines along
    /// the image's rows, correlated over millimetres; without texture, fat is speckle.
    @Test func fatSeptaRunAlongTheSkin() throws {
        let grid = try Grid(dimensions: SIMD3(120, 70, 30), spacingMm: Vector3(1, 1, 1), originMm: Vector3(-59.5, -59.5, -14.5))
        let volume = Volume(grid: grid, repeating: Tissue.subcutaneousFat.rawValue)
        var settings = Media.settings(depthMm: 55, lines: 256, texture: true)
        settings.noiseFloorDB = nil
        let transverse = try ProbePose(centreMm: Vector3(0, 0, 0), beam: Vector3(0, -1, 0), azimuth: Vector3(1, 0, 0))
        let septa = try Self.lateralCorrelation(settings, volume, transverse)
        settings.tissueTexture = false
        let speckle = try Self.lateralCorrelation(settings, volume, transverse)
        #expect(septa.lengthMm >= 2 * speckle.lengthMm, "fat with septa \(septa.lengthMm) mm, speckle alone \(speckle.lengthMm) mm")
    }
}
