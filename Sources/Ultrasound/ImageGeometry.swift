import Anatomy

/// How a scan-converted image sits in the probe frame: square pixels of `pixelSpacingMm`, the centre of
/// pixel (0, 0) at probe (x, z) = (`xOriginMm`, `zOriginMm`); columns run along +x (or −x when the marker
/// is shown on the right), rows along +z (depth, downward).
public struct ImageGeometry: Hashable, Sendable, Codable {
    public var width: Int
    public var height: Int
    public var pixelSpacingMm: Double
    public var xOriginMm: Double
    public var zOriginMm: Double
    /// +1: column grows with probe x (marker end on the left); −1: mirrored.
    public var columnSign: Double

    /// Probe-frame (x, z) of a pixel centre (column, row), mm.
    public func probeXZ(column: Double, row: Double) -> (x: Double, z: Double) {
        (xOriginMm + columnSign * column * pixelSpacingMm, zOriginMm + row * pixelSpacingMm)
    }

    /// Fractional pixel (column, row) of a probe-frame point (its y is ignored).
    public func pixel(ofProbePoint p: Vector3) -> (column: Double, row: Double) {
        ((p.x - xOriginMm) / (columnSign * pixelSpacingMm), (p.z - zOriginMm) / pixelSpacingMm)
    }

    /// The geometry that fits a scanned region into width × height square pixels, centred
    /// horizontally, the probe face at the top.
    static func fitting(_ extent: (xMin: Double, xMax: Double, zMin: Double, zMax: Double), width: Int, height: Int, markerOnLeft: Bool) -> ImageGeometry {
        let spacing = max((extent.xMax - extent.xMin) / Double(width), (extent.zMax - extent.zMin) / Double(height))
        let centreX = (extent.xMin + extent.xMax) / 2
        let halfSpan = Double(width - 1) / 2 * spacing
        let sign = markerOnLeft ? 1.0 : -1.0
        return ImageGeometry(width: width, height: height, pixelSpacingMm: spacing,
                             xOriginMm: centreX - sign * halfSpan, zOriginMm: extent.zMin + spacing / 2, columnSign: sign)
    }
}
