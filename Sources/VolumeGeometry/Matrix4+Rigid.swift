import Foundation

extension Matrix4 {
    /// Largest translation a pose may carry, mm (10 m: any body on any table lies well within it).
    public static let maximumRigidTranslationMm = 10_000.0

    /// Why `rows` — 3 or 4 rows of 4 numbers, row-major — is not a proper rigid transform, or nil when it
    /// is: finite entries, a 3×3 part orthonormal within 1e-6 with determinant +1, a fourth row (if given)
    /// of 0 0 0 1, and a translation within `maximumRigidTranslationMm`. The entry at fault is named.
    public static func rigidTransformProblem(rows: [[Double]]) -> String? {
        guard rows.count == 3 || rows.count == 4, rows.allSatisfy({ $0.count == 4 }) else {
            return "it must be 3 or 4 rows of 4 numbers (it has \(rows.count) rows of \(rows.map(\.count)))"
        }
        for (r, row) in rows.enumerated() {
            if let c = row.firstIndex(where: { !$0.isFinite }) { return "row \(r), column \(c) is \(row[c]), not a finite number" }
        }
        let c = (0..<3).map { j in Vector3(rows[0][j], rows[1][j], rows[2][j]) }
        for j in 0..<3 where abs(c[j].length - 1) > 1e-6 {
            return String(format: "column %d has length %.6g, not 1", j, c[j].length)
        }
        for (a, b) in [(0, 1), (0, 2), (1, 2)] where abs(c[a].dot(c[b])) > 1e-6 {
            return String(format: "columns %d and %d are not perpendicular (dot product %.6g)", a, b, c[a].dot(c[b]))
        }
        let det = c[0].dot(c[1].cross(c[2]))
        guard det > 0 else { return String(format: "its determinant is %.6g, a reflection, not a rotation", det) }
        if rows.count > 3, rows[3] != [0, 0, 0, 1] { return "its fourth row is \(rows[3]), not [0, 0, 0, 1]" }
        let t = Vector3(rows[0][3], rows[1][3], rows[2][3])
        guard t.length <= maximumRigidTranslationMm else {
            return String(format: "its translation is %.6g mm from the origin (allowed within %.0f m)", t.length, maximumRigidTranslationMm / 1000)
        }
        return nil
    }
}
