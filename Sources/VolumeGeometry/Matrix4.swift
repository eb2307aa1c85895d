import Foundation

/// A 4×4 affine transform in row-major order, named by its frames (`worldFromIndex`).
///
/// Composes right to left: `worldFromPixel = worldFromDetector * detectorFromPixel`.
public struct Matrix4: Hashable, Sendable {
    /// Rows 0…3, stored inline (no heap array) so `apply` is cheap in voxel loops.
    public var r0: SIMD4<Double>, r1: SIMD4<Double>, r2: SIMD4<Double>, r3: SIMD4<Double>

    public init(rows: [SIMD4<Double>]) {
        precondition(rows.count == 4, "a Matrix4 has four rows")
        (r0, r1, r2, r3) = (rows[0], rows[1], rows[2], rows[3])
    }

    /// Rows 0…3; the last row of an affine transform is (0, 0, 0, 1).
    public var rows: [SIMD4<Double>] { [r0, r1, r2, r3] }

    public static let identity = Matrix4(rows: [
        SIMD4(1, 0, 0, 0), SIMD4(0, 1, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1),
    ])

    /// Scales each axis by `spacing` and then translates by `origin`.
    public static func scaleThenTranslate(spacing: Vector3, origin: Vector3) -> Matrix4 {
        Matrix4(rows: [
            SIMD4(spacing.x, 0, 0, origin.x), SIMD4(0, spacing.y, 0, origin.y),
            SIMD4(0, 0, spacing.z, origin.z), SIMD4(0, 0, 0, 1),
        ])
    }

    /// The matrix that flips x and y: converts LPS to RAS and back.
    public static let lpsFromRAS = Matrix4(rows: [
        SIMD4(-1, 0, 0, 0), SIMD4(0, -1, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1),
    ])

    public subscript(row: Int, column: Int) -> Double {
        get {
            switch row {
            case 0: r0[column]
            case 1: r1[column]
            case 2: r2[column]
            default: r3[column]
            }
        }
        set {
            switch row {
            case 0: r0[column] = newValue
            case 1: r1[column] = newValue
            case 2: r2[column] = newValue
            default: r3[column] = newValue
            }
        }
    }

    public static func * (a: Matrix4, b: Matrix4) -> Matrix4 {
        var out = Matrix4.identity
        for r in 0..<4 {
            for c in 0..<4 {
                var s = 0.0
                for k in 0..<4 { s += a[r, k] * b[k, c] }
                out[r, c] = s
            }
        }
        return out
    }

    /// Applies the transform to a point (w = 1).
    @inlinable public func apply(_ p: Vector3) -> Vector3 {
        Vector3(
            r0.x * p.x + r0.y * p.y + r0.z * p.z + r0.w,
            r1.x * p.x + r1.y * p.y + r1.z * p.z + r1.w,
            r2.x * p.x + r2.y * p.y + r2.z * p.z + r2.w)
    }

    /// Applies the linear part only (w = 0).
    @inlinable public func applyToDirection(_ d: Vector3) -> Vector3 {
        Vector3(
            r0.x * d.x + r0.y * d.y + r0.z * d.z,
            r1.x * d.x + r1.y * d.y + r1.z * d.z,
            r2.x * d.x + r2.y * d.y + r2.z * d.z)
    }

    /// The column `c` of the linear part (how one step along index axis `c` moves in the target frame).
    public func column(_ c: Int) -> Vector3 { Vector3(r0[c], r1[c], r2[c]) }

    public var translation: Vector3 { Vector3(r0.w, r1.w, r2.w) }

    /// Determinant of the 3×3 linear part.
    public var linearDeterminant: Double {
        let a = column(0), b = column(1), c = column(2)
        return a.dot(b.cross(c))
    }

    /// The inverse of an affine transform, or `nil` when the linear part is singular.
    public var affineInverse: Matrix4? {
        let det = linearDeterminant
        guard det.isFinite, abs(det) > 1e-300 else { return nil }
        let m = { (r: Int, c: Int) in self[r, c] }
        var inv = Matrix4.identity
        inv[0, 0] = (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) / det
        inv[0, 1] = (m(0, 2) * m(2, 1) - m(0, 1) * m(2, 2)) / det
        inv[0, 2] = (m(0, 1) * m(1, 2) - m(0, 2) * m(1, 1)) / det
        inv[1, 0] = (m(1, 2) * m(2, 0) - m(1, 0) * m(2, 2)) / det
        inv[1, 1] = (m(0, 0) * m(2, 2) - m(0, 2) * m(2, 0)) / det
        inv[1, 2] = (m(0, 2) * m(1, 0) - m(0, 0) * m(1, 2)) / det
        inv[2, 0] = (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0)) / det
        inv[2, 1] = (m(0, 1) * m(2, 0) - m(0, 0) * m(2, 1)) / det
        inv[2, 2] = (m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0)) / det
        let t = translation
        for r in 0..<3 {
            inv[r, 3] = -(inv[r, 0] * t.x + inv[r, 1] * t.y + inv[r, 2] * t.z)
        }
        return inv
    }

    /// The 16 entries, row by row.
    public var flattened: [Double] { rows.flatMap { [$0.x, $0.y, $0.z, $0.w] } }
}
