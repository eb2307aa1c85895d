/// The least-squares plane through a set of points.
public enum PlaneFit {
    /// Centroid and unit normal (the covariance's least-spread direction, of either sign), or nil for
    /// fewer than three points.
    public static func fit(_ points: [Vector3]) -> (centroid: Vector3, normal: Vector3)? {
        guard points.count >= 3 else { return nil }
        let mean = points.reduce(.zero, +) / Double(points.count)
        var cov = [[Double]](repeating: [0, 0, 0], count: 3)
        for p in points { let d = p - mean; for i in 0..<3 { for j in 0..<3 { cov[i][j] += d[i] * d[j] } } }
        // Largest eigenvector of (trace·I − M) is the smallest of M; pad with a 4th axis of eigenvalue 0
        // for the 4×4 Jacobi of `SimilarityTransform`.
        let trace = cov[0][0] + cov[1][1] + cov[2][2] + 1
        var a = [[Double]](repeating: [0, 0, 0, 0], count: 4)
        for i in 0..<3 { for j in 0..<3 { a[i][j] = (i == j ? trace : 0) - cov[i][j] } }
        let e = SimilarityTransform.largestEigenvector(a)
        return (mean, Vector3(e[0], e[1], e[2]).normalized)
    }
}
