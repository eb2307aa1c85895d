import Anatomy

/// The point-spread function of the simulator measured on its own point-target images: full widths at
/// half maximum of the linear envelope, mm, and where the point is imaged.
public struct PointSpread: Codable, Hashable, Sendable {
    /// Along the scan line through the envelope's peak.
    public var axialFWHMMm: Double
    /// Across the lines, through the peak.
    public var lateralFWHMMm: Double
    /// Twice the elevation offset at which the point's peak echo falls to half (found by stepping out by
    /// 1 mm, then bisecting to 0.01 mm): the slice thickness at the point's depth.
    public var elevationFWHMMm: Double
    /// Depth of the envelope's peak, mm.
    public var peakDepthMm: Double

    /// Full width at half maximum of a sampled profile around its peak (linear interpolation), samples.
    public static func fwhm(_ p: [Double]) -> Double {
        let peak = p.indices.max { p[$0] < p[$1] }!
        let half = p[peak] / 2
        var l = peak
        while l > 0, p[l] > half { l -= 1 }
        var r = peak
        while r < p.count - 1, p[r] > half { r += 1 }
        let left = p[l] > half ? Double(l) : Double(l) + (half - p[l]) / (p[l + 1] - p[l])
        let right = p[r] > half ? Double(r) : Double(r - 1) + (p[r - 1] - half) / (p[r - 1] - p[r])
        return right - left
    }
}

extension PointTarget {
    /// The PSF of a point on the central line at `depthMm`: axial and lateral widths from one envelope image
    /// (`windowMm` square at `pixelMm`), the elevation width from the peak echo as the point moves out of
    /// the image plane.
    public func pointSpread(depthMm: Double, pixelMm: Double = 0.01, windowMm: Double = 4) throws -> PointSpread {
        let volume = try envelopeVolume(at: Vector3(0, 0, depthMm), pixelMm: pixelMm, windowMm: windowMm)
        let n = volume.grid.dimensions.x, v = volume.voxels
        let peak = v.indices.max { v[$0] < v[$1] }!
        let (row, column) = (peak / n, peak % n)
        let lateral = (0..<n).map { Double(v[row * n + $0]) }
        let axial = (0..<n).map { Double(v[$0 * n + column]) }
        let peakDepth = depthMm - Double(n - 1) / 2 * pixelMm + Double(row) * pixelMm
        func echo(elevationMm y: Double) throws -> Double {
            let w = try envelopeVolume(at: Vector3(0, y, depthMm), pixelMm: 0.05, windowMm: 1.5)
            return Double(w.voxels.max() ?? 0)
        }
        let half = try echo(elevationMm: 0) / 2
        var inside = 0.0, outside = 1.0
        while try echo(elevationMm: outside) > half, outside < 30 { inside = outside; outside += 1 }
        while outside - inside > 0.01 {
            let mid = (inside + outside) / 2
            if try echo(elevationMm: mid) > half { inside = mid } else { outside = mid }
        }
        return PointSpread(axialFWHMMm: PointSpread.fwhm(axial) * pixelMm, lateralFWHMMm: PointSpread.fwhm(lateral) * pixelMm,
                           elevationFWHMMm: inside + outside, peakDepthMm: peakDepth)
    }
}
