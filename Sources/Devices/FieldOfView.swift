import Anatomy

/// The part of the image plane a B-mode frame shows: the scanned lines (a sector under a curved array,
/// a rectangle under a linear one) from the face to the image depth.
public struct FieldOfView: Sendable {
    let geometry: ScanGeometry

    /// `lineCount` scan lines of `transducer` down to `depthMm`.
    public init(transducer: Transducer, lineCount: Int, depthMm: Double) {
        geometry = ScanGeometry(transducer: transducer, lineCount: lineCount, depthMm: depthMm, stepWavelengths: 1)
    }

    /// True when a probe-frame point (mm; its elevation y ignored) lies between the outermost lines and
    /// within the image depth.
    public func contains(_ p: Vector3) -> Bool {
        let (line, depth) = geometry.lineAndDepth(x: p.x, z: p.z)
        return line >= -0.5 && line <= Double(geometry.lineCount) - 0.5 && depth >= 0 && depth <= geometry.depthMm
    }
}
