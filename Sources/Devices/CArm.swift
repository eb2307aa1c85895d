import ParsGuideCore
import Anatomy
import Foundation

/// C-arm geometry: a point source, an isocentre, and a flat square detector facing the source.
///
/// The image is what the source sees: columns run along `right` = view × up (view = source → detector),
/// rows run down (−up); row 0 is the detector's up edge. For the prone patient, `ap` puts the tube under
/// the table (source anterior, beam anterior → posterior), so the patient's right is on the image's left.
public struct CArm: Hashable, Sendable {
    public var isocentreMm: Vector3
    /// Unit vector from the isocentre to the source (LPS).
    public var sourceDirection: Vector3
    /// Detector up, made orthogonal to the beam (default superior).
    public var up: Vector3
    /// Source–isocentre distance, mm.
    public var sadMm: Double = 700
    /// Source–detector distance, mm.
    public var sidMm: Double = 1000
    /// Side of the square detector, mm.
    public var detectorMm: Double = 300
    /// Pixels per side.
    public var pixels: Int = 512

    public init(isocentreMm: Vector3, sourceDirection: Vector3, up: Vector3 = Vector3(0, 0, 1),
                sadMm: Double = 700, sidMm: Double = 1000, detectorMm: Double = 300, pixels: Int = 512) throws {
        guard sourceDirection.length > 1e-9, sourceDirection.x.isFinite, sourceDirection.y.isFinite, sourceDirection.z.isFinite else {
            throw DeviceError.invalid("source direction must be a non-zero vector")
        }
        let d = sourceDirection.normalized
        let u = up - d * up.dot(d)
        guard u.length > 1e-6 else { throw DeviceError.invalid("detector up \(up) is parallel to the source direction \(d)") }
        try PhysicalParameter.check("source–isocentre distance", sadMm, in: 100...2000, unit: "mm")
        try PhysicalParameter.check("source–detector distance", sidMm, in: 100...3000, unit: "mm")
        guard sidMm > sadMm else {
            throw DeviceError.invalid("source–detector distance \(sidMm) mm must exceed the source–isocentre distance \(sadMm) mm")
        }
        try PhysicalParameter.check("detector size", detectorMm, in: 10...1000, unit: "mm")
        try PhysicalParameter.check("detector pixels", Double(pixels), in: 1...4096, unit: "")
        self.isocentreMm = isocentreMm
        self.sourceDirection = d
        self.up = u.normalized
        self.sadMm = sadMm
        self.sidMm = sidMm
        self.detectorMm = detectorMm
        self.pixels = pixels
    }

    /// Named views. `obliqueLeft`: the ipsilateral oblique for a left-sided target (detector swung toward
    /// the patient's left, source anterior-right: the left "Scotty dog"); `lateral`: source on the
    /// patient's right.
    public enum View: String, CaseIterable, Sendable, NamedChoice {
        case ap, lateral
        case obliqueLeft = "oblique-left", obliqueRight = "oblique-right"

        public static let choiceName = "C-arm view"

        public static let defaultObliqueDegrees = 35.0
        /// Rotation of the oblique views about the long axis: up to a quarter turn either way; chosen.
        public static let obliqueAngle = PhysicalParameter(name: "C-arm oblique angle", unit: "°", range: -90...90)
        /// Cranio-caudal tilt of the beam: ±60°, past a C-arm's usual orbital range for the lumbar spine; chosen.
        public static let cranialTilt = PhysicalParameter(name: "C-arm cranial tilt", unit: "°", range: -60...60)

        /// Source direction for this view, rotated `obliqueDegrees` about the long axis (oblique views)
        /// and tilted so the beam points `cranialDegrees` toward the head.
        public func sourceDirection(obliqueDegrees: Double = View.defaultObliqueDegrees, cranialDegrees: Double = 0) -> Vector3 {
            let a = obliqueDegrees * .pi / 180
            var d: Vector3
            switch self {
            case .ap: d = Vector3(0, -1, 0)
            case .lateral: d = Vector3(-1, 0, 0)
            case .obliqueLeft: d = Vector3(-sin(a), -cos(a), 0)
            case .obliqueRight: d = Vector3(sin(a), -cos(a), 0)
            }
            // Tilting the beam toward the head moves the source caudally.
            return d.rotated(about: d.cross(Vector3(0, 0, 1)).length > 1e-9 ? d.cross(Vector3(0, 0, 1)).normalized : Vector3(1, 0, 0),
                             by: .degrees(-cranialDegrees))
        }
    }

    public var sourceMm: Vector3 { isocentreMm + sourceDirection * sadMm }
    /// Unit vector from source toward the detector.
    public var view: Vector3 { -sourceDirection }
    /// Image right (column direction) on the detector.
    public var right: Vector3 { view.cross(up) }
    public var pixelMm: Double { detectorMm / Double(pixels) }
    public var detectorCentreMm: Vector3 { sourceMm + view * sidMm }

    /// World position of a pixel's centre on the detector.
    public func detectorPoint(column: Double, row: Double) -> Vector3 {
        let c = Double(pixels - 1) / 2
        return detectorCentreMm + right * ((column - c) * pixelMm) - up * ((row - c) * pixelMm)
    }

    /// The 3×4 projection matrix (rows) mapping homogeneous world LPS mm to homogeneous pixels:
    /// (column·w, row·w, w) = P·(x, y, z, 1).
    public var projectionMatrix: [[Double]] {
        let s = sidMm / pixelMm, c = Double(pixels - 1) / 2
        let a = right * s + view * c, b = -up * s + view * c, w = view
        let src = sourceMm
        return [[a.x, a.y, a.z, -a.dot(src)], [b.x, b.y, b.z, -b.dot(src)], [w.x, w.y, w.z, -w.dot(src)]]
    }

    /// How far apart two world points project, in mm at the isocentre (detector mm ÷ SID/SAD); nil when
    /// either lies behind the source.
    public func projectedSeparationMm(_ a: Vector3, _ b: Vector3) -> Double? {
        guard let p = project(a), let q = project(b) else { return nil }
        let dc = p.column - q.column, dr = p.row - q.row
        return (dc * dc + dr * dr).squareRoot() * pixelMm * sadMm / sidMm
    }

    /// Fractional pixel (column, row) where a world point projects; nil behind the source.
    public func project(_ p: Vector3) -> (column: Double, row: Double)? {
        let m = projectionMatrix
        let h = (0..<3).map { m[$0][0] * p.x + m[$0][1] * p.y + m[$0][2] * p.z + m[$0][3] }
        guard h[2] > 0 else { return nil }
        return (h[0] / h[2], h[1] / h[2])
    }
}
