import Foundation

/// `target = scale · rotation · source + translation`: a rotation, a uniform scale and a shift, as fitted
/// between two surfaces by `SurfaceRegistration`.
public struct SimilarityTransform: Sendable, Equatable {
    public var scale: Double
    /// Proper rotation (det +1), rows.
    public var rotation: [Vector3]
    public var translationMm: Vector3

    public static let identity = SimilarityTransform(scale: 1, rotation: [Vector3(1, 0, 0), Vector3(0, 1, 0), Vector3(0, 0, 1)], translationMm: .zero)

    public init(scale: Double, rotation: [Vector3], translationMm: Vector3) {
        self.scale = scale
        self.rotation = rotation
        self.translationMm = translationMm
    }

    @inlinable public func apply(_ p: Vector3) -> Vector3 {
        Vector3(rotation[0].dot(p), rotation[1].dot(p), rotation[2].dot(p)) * scale + translationMm
    }

    /// The rotation's angle, degrees (0–180).
    public var rotationDegrees: Double {
        let trace = rotation[0].x + rotation[1].y + rotation[2].z
        return acos(min(1, max(-1, (trace - 1) / 2))) * 180 / .pi
    }

    /// As a 4×4 affine, `targetFromSource`.
    public var matrix: Matrix4 {
        Matrix4(rows: (0..<3).map { SIMD4(rotation[$0].x * scale, rotation[$0].y * scale, rotation[$0].z * scale, translationMm[$0]) }
            + [SIMD4(0, 0, 0, 1)])
    }

    /// `self` after `other`: p ↦ self(other(p)).
    public func composed(after other: SimilarityTransform) -> SimilarityTransform {
        let r = (0..<3).map { i in Vector3((0..<3).map { j in (0..<3).reduce(0.0) { $0 + rotation[i][$1] * other.rotation[$1][j] } }) }
        return SimilarityTransform(scale: scale * other.scale, rotation: r, translationMm: apply(other.translationMm))
    }

    public func apply(to mesh: TriangleMesh) -> TriangleMesh {
        mesh.mapVertices { SIMD3<Float>(apply(Vector3($0))) }
    }

    /// The least-squares similarity mapping `source[i]` onto `target[i]` (Umeyama 1991, IEEE TPAMI
    /// 13:376; the rotation by Horn 1987's quaternion method, J Opt Soc Am A 4:629).
    public static func fit(source: [Vector3], target: [Vector3]) -> SimilarityTransform {
        precondition(source.count == target.count && source.count >= 3)
        let n = Double(source.count)
        let cs = source.reduce(.zero, +) / n, ct = target.reduce(.zero, +) / n
        var m = [[Double]](repeating: [0, 0, 0], count: 3)  // Σ a bᵀ
        var sourceSpread = 0.0
        for (p, q) in zip(source, target) {
            let a = p - cs, b = q - ct
            sourceSpread += a.dot(a)
            for i in 0..<3 { for j in 0..<3 { m[i][j] += a[i] * b[j] } }
        }
        let (sxx, sxy, sxz) = (m[0][0], m[0][1], m[0][2])
        let (syx, syy, syz) = (m[1][0], m[1][1], m[1][2])
        let (szx, szy, szz) = (m[2][0], m[2][1], m[2][2])
        let k: [[Double]] = [
            [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
            [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
            [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
            [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
        ]
        let q = largestEigenvector(k)
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        let r = [
            Vector3(w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y)),
            Vector3(2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x)),
            Vector3(2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z),
        ]
        // Scale: Σ bᵀ R a / Σ |a|².
        var dot = 0.0
        for (p, q) in zip(source, target) {
            let a = p - cs, b = q - ct
            dot += b.dot(Vector3(r[0].dot(a), r[1].dot(a), r[2].dot(a)))
        }
        let s = sourceSpread > 0 ? dot / sourceSpread : 1
        let rotated = Vector3(r[0].dot(cs), r[1].dot(cs), r[2].dot(cs))
        return SimilarityTransform(scale: s, rotation: r, translationMm: ct - rotated * s)
    }

    /// The unit eigenvector of a symmetric 4×4 matrix with the largest eigenvalue (cyclic Jacobi).
    static func largestEigenvector(_ a: [[Double]]) -> [Double] {
        var a = a
        var v = (0..<4).map { i in (0..<4).map { j in i == j ? 1.0 : 0.0 } }
        for _ in 0..<50 {
            var off = 0.0
            for i in 0..<4 { for j in (i + 1)..<4 { off += a[i][j] * a[i][j] } }
            if off < 1e-22 { break }
            for p in 0..<4 {
                for q in (p + 1)..<4 where abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<4 {
                        let akp = a[k][p], akq = a[k][q]
                        a[k][p] = c * akp - s * akq; a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<4 {
                        let apk = a[p][k], aqk = a[q][k]
                        a[p][k] = c * apk - s * aqk; a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<4 {
                        let vkp = v[k][p], vkq = v[k][q]
                        v[k][p] = c * vkp - s * vkq; v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let best = (0..<4).max { a[$0][$0] < a[$1][$1] }!
        let e = (0..<4).map { v[$0][best] }
        let norm = e.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return e.map { $0 / norm }
    }
}
