import Anatomy
import Foundation

/// Where an illustration looks from: one ray per pixel, in world LPS mm.
///
/// A pinhole camera for free views (a three-quarter view of a probe and its plane), or the C-arm itself,
/// whose rays are exactly the DRR's lines (source ↔ detector pixel), so an illustration and a
/// fluoroscopic shot overlay pixel for pixel.
public struct Camera: Sendable {
    public let width: Int
    public let height: Int
    private let kind: Kind

    private enum Kind: Sendable {
        case pinhole(eye: Vector3, forward: Vector3, right: Vector3, up: Vector3, tanHalf: Double)
        case carm(CArm, scale: Double)
    }

    /// A pinhole camera at `eye` looking at `target`, `up` roughly up in the image, vertical field of view
    /// `fieldOfViewDeg`.
    public static func lookAt(eye: Vector3, target: Vector3, up: Vector3, fieldOfViewDeg: Double = 35, width: Int, height: Int) throws -> Camera {
        let f = (target - eye).normalized
        let r = f.cross(up)
        guard r.length > 1e-6 else { throw IllustrationError("camera up \(up) is parallel to the view direction") }
        let right = r.normalized, trueUp = right.cross(f)
        return Camera(width: width, height: height, kind: .pinhole(eye: eye, forward: f, right: right, up: trueUp, tanHalf: tan(fieldOfViewDeg * .pi / 360)))
    }

    /// The C-arm's own geometry, at its detector's pixel grid (square).
    public static func fluoroscopy(_ carm: CArm) -> Camera {
        Camera(width: carm.pixels, height: carm.pixels, kind: .carm(carm, scale: 1))
    }

    /// The C-arm's geometry resampled to `size` pixels across (same field of view).
    public static func fluoroscopy(_ carm: CArm, size: Int) -> Camera {
        Camera(width: size, height: size, kind: .carm(carm, scale: Double(carm.pixels) / Double(size)))
    }

    /// The ray through the centre of pixel (column, row): origin and unit direction.
    public func ray(column: Double, row: Double) -> (origin: Vector3, direction: Vector3) {
        switch kind {
        case let .pinhole(eye, forward, right, up, tanHalf):
            let aspect = Double(width) / Double(height)
            let x = (2 * (column + 0.5) / Double(width) - 1) * tanHalf * aspect
            let y = (1 - 2 * (row + 0.5) / Double(height)) * tanHalf
            return (eye, (forward + right * x + up * y).normalized)
        case let .carm(carm, scale):
            // The DRR's ray through this detector pixel, looked along from the detector's side (the
            // surfaces a clinician behind the image intensifier would see); same line, same pixel.
            let p = carm.detectorPoint(column: (column + 0.5) * scale - 0.5, row: (row + 0.5) * scale - 0.5)
            return (p, (carm.sourceMm - p).normalized)
        }
    }

    /// The pixel (column, row) where a world point appears, nil behind the camera.
    public func project(_ p: Vector3) -> (column: Double, row: Double)? {
        switch kind {
        case let .pinhole(eye, forward, right, up, tanHalf):
            let d = p - eye, z = d.dot(forward)
            guard z > 1e-9 else { return nil }
            let aspect = Double(width) / Double(height)
            let x = d.dot(right) / z / (tanHalf * aspect), y = d.dot(up) / z / tanHalf
            return ((x + 1) * Double(width) / 2 - 0.5, (1 - y) * Double(height) / 2 - 0.5)
        case let .carm(carm, scale):
            guard let q = carm.project(p) else { return nil }
            return ((q.column + 0.5) / scale - 0.5, (q.row + 0.5) / scale - 0.5)
        }
    }
}

/// An illustration request that cannot be met: the message names the value and what is allowed.
public struct IllustrationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
