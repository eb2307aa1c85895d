import Foundation

/// Makes one bone's articular facets congruent with its neighbour's: where a facet of the moving bone
/// faces the fixed bone across more than the joint space, it is drawn in until the two surfaces lie
/// `targetGapMm` apart, the bone behind it following, by a smooth displacement field.
///
/// Why: two bones from different bodies (BodyParts3D's sacrum under the mean-shape L5) seated with the
/// closest approach at the joint space touch at one spot only: the S1 superior articular facets faced L5's
/// inferior ones across a median 5.0 / 5.3 mm (left / right; 1.5–1.7 mm between the mean-shape L4 and L5),
/// and the L5–S1 joint space came out in 3–6 pieces. After: a median 1.57 / 1.56 mm, closest 1.06 / 1.00 mm,
/// no vertex moved more than 4.9 mm, each joint space one piece. BodyParts3D's L1 on the mean-shape L2 the
/// same (`L1Placement`): 5.5 / 3.9 → 1.63 / 1.56 mm.
/// Real facet joints are congruent: cartilage on both sides, a cleft between (ASRA 2019; DATASHEET §3).
///
/// The method (chosen): the moving mesh is subdivided once (its edges then ≈ 1.2 mm against BodyParts3D's
/// 2.4 mm, so a flat triangle's chord cannot cut into the joint); its articular vertices are those within
/// `candidateRadiusMm` of the joint whose outward normal faces the fixed surface and are met by the fixed
/// surface's own normal (both cosines > ½), no farther than `reachMm`, their nearest fixed point within
/// `fixedRadiusMm` of the fixed bone's process. Each wants to move along the line to that point by its gap
/// less the target, the pull fading from 1 at `taperStartMm` to 0 at `reachMm` (a surface that far away is
/// not part of the joint). Every vertex within `supportMm` of an articular one moves by the Gaussian-weighted
/// mean of their pulls (σ `sigmaMm`), weighted by (1 − d²/`supportMm`²)², so the process moves as a whole and
/// the field ends smoothly; half of it is applied per round, the gaps measured again, for `rounds` rounds.
public struct ArticularCongruence: Sendable {
    /// Where the two surfaces should lie apart (the seating's joint space).
    var targetGapMm: Double
    static let candidateRadiusMm = 20.0, fixedRadiusMm = 15.0, reachMm = 8.0, taperStartMm = 5.0
    static let sigmaMm = 2.5, supportMm = 7.0, rounds = 12, stepFraction = 0.5

    /// The median gap across one joint's articular vertices, before and after, and the closest approach after.
    public struct JointGaps: Equatable, Sendable {
        public var medianBeforeMm: Double
        public var medianAfterMm: Double
        public var closestAfterMm: Double
        public var articularVertices: Int
    }

    /// `moving` reshaped toward `fixed` at each joint, given by the centre of the fixed bone's articular
    /// process on that side (world mm).
    func reshaped(_ moving: TriangleMesh, toward fixed: TriangleMesh, at joints: [Side: Vector3]) -> (mesh: TriangleMesh, gaps: [Side: JointGaps]) {
        var mesh = moving.subdividedAtMidpoints()
        let fixedPoints = fixed.vertices.map { Vector3($0) }, fixedNormals = fixed.vertexNormals()
        let index = NearestPointIndex(fixedPoints, cellMm: 2)
        var gaps: [Side: JointGaps] = [:]
        for side in Side.allCases {
            guard let centre = joints[side] else { continue }
            let original = mesh.vertices.map { Vector3($0) }
            let region = original.indices.filter { (original[$0] - centre).length < Self.candidateRadiusMm + Self.supportMm }
            /// The gap from a vertex to the fixed surface, and the unit direction toward it, or nil beyond reach.
            func nearest(_ p: Vector3) -> (gap: Double, toward: Vector3, index: Int)? {
                guard let i = index.nearestIndex(to: p, withinMm: Self.reachMm) else { return nil }
                let d = fixedPoints[i] - p, length = d.length
                return length > 1e-9 ? (length, d / length, i) : nil
            }
            let normals = mesh.vertexNormals()
            let articular = region.filter { v in
                guard (original[v] - centre).length < Self.candidateRadiusMm, let n = nearest(original[v]) else { return false }
                return (fixedPoints[n.index] - centre).length < Self.fixedRadiusMm
                    && normals[v].dot(n.toward) > 0.5 && fixedNormals[n.index].dot(-n.toward) > 0.5
            }
            guard !articular.isEmpty else { continue }
            let startGap = articular.map { nearest(original[$0])!.gap }
            let taper = startGap.map { min(1, max(0, (Self.reachMm - $0) / (Self.reachMm - Self.taperStartMm))) }
            // Each region vertex's neighbours among the articular ones (fixed: the field moves them together).
            let twoSigma2 = 2 * Self.sigmaMm * Self.sigmaMm, support2 = Self.supportMm * Self.supportMm
            var neighbours: [[(k: Int, weight: Double)]] = [], fade: [Double] = []
            for v in region {
                var list: [(Int, Double)] = [], closest2 = Double.infinity
                for (k, a) in articular.enumerated() {
                    let d = original[v] - original[a], r2 = d.dot(d)
                    guard r2 < support2 else { continue }
                    list.append((k, exp(-r2 / twoSigma2))); closest2 = min(closest2, r2)
                }
                neighbours.append(list)
                let f = 1 - closest2 / support2
                fade.append(list.isEmpty ? 0 : f * f)
            }
            for _ in 0..<Self.rounds {
                let pulls = articular.indices.map { k -> Vector3 in
                    guard let n = nearest(Vector3(mesh.vertices[articular[k]])) else { return .zero }
                    return n.toward * ((n.gap - targetGapMm) * taper[k])
                }
                var moved = mesh.vertices
                for (r, v) in region.enumerated() where fade[r] > 0 {
                    var sum = Vector3.zero, weights = 0.0
                    for (k, w) in neighbours[r] { sum += pulls[k] * w; weights += w }
                    moved[v] += SIMD3<Float>(sum * (Self.stepFraction * fade[r] / weights))
                }
                mesh.vertices = moved
            }
            let after = articular.compactMap { nearest(Vector3(mesh.vertices[$0]))?.gap }
            gaps[side] = JointGaps(medianBeforeMm: Self.median(startGap), medianAfterMm: Self.median(after),
                                   closestAfterMm: after.min() ?? .infinity, articularVertices: articular.count)
        }
        return (mesh, gaps)
    }

    /// The closest approach per side: the seating's, or the congruent facets' where that is closer, mm.
    static func jointSpaceMm(seated: [Side: Double], gaps: [Side: JointGaps]) -> [Side: Double] {
        seated.merging(gaps.mapValues(\.closestAfterMm), uniquingKeysWith: min)
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
