import Anatomy
import Imaging

/// A rendered B-mode image with the geometry that ties its pixels to the probe and the world.
public struct BModeFrame: Sendable {
    /// 8-bit log-compressed image; probe face at the top, depth downward.
    public var image: GrayImage
    public var geometry: ImageGeometry
    public var pose: ProbePose

    /// Fractional pixel (column, row) of a world point, with its elevation distance from the image
    /// plane (mm, signed along the probe's +y).
    public func pixel(ofWorld p: Vector3) -> (column: Double, row: Double, elevationMm: Double) {
        let q = pose.probePoint(ofWorld: p)
        let (c, r) = geometry.pixel(ofProbePoint: q)
        return (c, r, q.y)
    }

    /// The pixel of the footprint centre (probe origin).
    public var footprintPixel: (column: Double, row: Double) { geometry.pixel(ofProbePoint: .zero) }
}

extension BModeSimulator {
    /// The labels on the image plane at each display pixel (nearest voxel), 0 outside the sector: the
    /// ground truth a frame can be compared with (the near field squeezed as the frame squeezes it).
    public func labelMap(labels: Volume<UInt8>, pose: ProbePose) -> [UInt8] {
        let g = imageGeometry
        var out = [UInt8](repeating: 0, count: g.width * g.height)
        let compression = NearFieldCompression(labels: labels, pose: pose, scan: scan)
        for row in 0..<g.height {
            for column in 0..<g.width {
                let (x, z) = g.probeXZ(column: Double(column), row: Double(row))
                let (f, depth) = scan.lineAndDepth(x: x, z: z)
                guard f >= 0, f <= Double(scan.lineCount - 1), depth >= 0, depth <= scan.depthMm else { continue }
                // The tissue this pixel shows, as the B-mode lines sample it (`NearFieldCompression`).
                let l = Int(f.rounded())
                let shift = compression.tissueDepth(line: l, depthMm: depth) - depth
                let p = Vector3(x, 0, z) + scan.direction(l) * shift
                out[row * g.width + column] = labels.value(nearestTo: pose.worldFromProbe.apply(p)) ?? 0
            }
        }
        return out
    }
}
