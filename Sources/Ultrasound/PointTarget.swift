import Anatomy

/// The validation phantom: one point scatterer in a uniform water-like medium (the coupling-gel label
/// everywhere), imaged by the same simulator with the probe at the world origin (world = probe frame).
public struct PointTarget: Sendable {
    public let simulator: BModeSimulator
    let medium: Volume<UInt8>

    public init(simulator: BModeSimulator) throws {
        self.simulator = simulator
        // Every lookup outside this tiny grid is label 0 as well: the medium is unbounded water.
        medium = Volume(grid: try Grid(dimensions: SIMD3(2, 2, 2), spacingMm: Vector3(1, 1, 1), originMm: Vector3(0, 0, 0)), repeating: 0)
    }

    public var pose: ProbePose { ProbePose(worldFromProbe: .identity) }

    /// Validation settings for a point at `depthMm`: 1024 lines and λ/16 steps so the sampling does not
    /// widen the PSF, no TGC (water barely attenuates), one elevation ray (the medium is uniform; the
    /// point itself is weighted by the elevation profile), no receiver noise (the widths are the beam's),
    /// imaging 10 mm past the point.
    public static func settings(depthMm: Double, focusMm: Double = 60, seed: UInt64 = 1) -> BModeSettings {
        var s = BModeSettings()
        s.depthMm = min(depthMm + 10, BModeSettings.depth.range.upperBound)
        s.focusMm = focusMm
        s.lineCount = 1024
        s.stepWavelengths = 1.0 / 16
        s.tgcDBPerCm = 0
        s.compensatesDiffraction = false
        s.elevationRayCount = 1
        s.noiseFloorDB = nil
        s.seed = seed
        return s
    }

    /// The linear envelope on a square window of `windowMm` centred on the point, `pixelMm` pixels:
    /// columns along the probe's x, rows along depth. The volume's grid maps pixels to probe-frame mm.
    public func envelopeVolume(at point: Vector3, pixelMm: Double, windowMm: Double) throws -> Volume<Float> {
        let n = max(3, Int((windowMm / pixelMm).rounded()) | 1)
        let half = Double(n - 1) / 2 * pixelMm
        let geometry = ImageGeometry(width: n, height: n, pixelSpacingMm: pixelMm, xOriginMm: point.x - half,
                                     zOriginMm: point.z - half, columnSign: 1)
        let values = simulator.linearEnvelope(labels: medium, pose: pose, points: [PointScatterer(positionMm: point)], geometry: geometry)
        let worldFromIndex = Matrix4(rows: [
            SIMD4(pixelMm, 0, 0, point.x - half),
            SIMD4(0, 0, pixelMm, 0),
            SIMD4(0, pixelMm, 0, point.z - half),
            SIMD4(0, 0, 0, 1),
        ])
        return Volume(grid: try Grid(dimensions: SIMD3(n, n, 1), worldFromIndex: worldFromIndex), voxels: values)
    }

    /// The display frame of the point target.
    public func frame(at point: Vector3) -> BModeFrame {
        simulator.render(labels: medium, pose: pose, needle: nil, points: [PointScatterer(positionMm: point)])
    }
}
