import Foundation

/// The pelvis: BodyParts3D's hip bones (label 111), carried with the sacrum by `LumbosacralPlacement`.
/// They reach beyond the spine grid, so they are voxelised into the full grid after the torso is laid
/// out (the torso is widened over them first), with the sacroiliac joint space (113) between each
/// ilium and the sacrum.
extension SoftTissueStage {
    /// Soft tissue kept over the hip bones by the widened torso beyond skin and fat, mm (a thin layer
    /// of gluteal and abdominal-wall muscle; chosen: the iliac crest and anterior superior iliac spine
    /// are subcutaneous landmarks).
    static let pelvicMuscleCoverMm = 6.0
    /// The sacroiliac joint space: soft tissue between sacrum and ilium where the bones are at most
    /// `sacroiliacMaxGapMm` apart (summed distances to the two), and where the registered bones touch, the
    /// ilium within `sacroiliacMinWidthMm` of the sacrum. The normal SI-joint space on CT is a few
    /// millimetres wide (NOT FOUND in the data sheet; 5 mm and 1.5 mm chosen).
    static let sacroiliacMaxGapMm = 5.0
    static let sacroiliacMinWidthMm = 1.5

    /// The lateral semi-axis (mm) the torso ellipse needs at each z slice so that both hip bones lie
    /// inside it under `coverMm`: each hip vertex at (x, y) with the ellipse centred at y = ySkin − b asks
    /// for a ≥ cover + |x| ⁄ √(1 − ((y − yc) ⁄ (b − cover))²); the demand (never below the habitus's a) is
    /// spread over ±15 mm of height (running maximum) and smoothed over ±30 mm, so the hips widen the body
    /// gradually, without a step. (Slices without hip bone once asked for 0: the mean then rose by
    /// ≈ a ⁄ 121 per slice where it crossed a, a 1.5 mm step in the flank at the crest's level.)
    func pelvicSemiAxes(ySkin: [Double], zOriginMm: Double, semiAxes: (a: Double, b: Double), coverMm: Double) -> [Double] {
        let nz = ySkin.count
        var need = [Double](repeating: semiAxes.a, count: nz)
        for mesh in hipMeshes.values {
            for v in mesh.vertices {
                let k = Int(((Double(v.z) - zOriginMm) / h).rounded())
                guard k >= 0, k < nz else { continue }
                let t = (Double(v.y) - (ySkin[k] - semiAxes.b)) / (semiAxes.b - coverMm)
                need[k] = max(need[k], coverMm + abs(Double(v.x)) / max(0.45, (1 - t * t)).squareRoot())
            }
        }
        let spread = Int(15 / h), smooth = Int(30 / h)
        let widened = (0..<nz).map { k in need[max(0, k - spread)...min(nz - 1, k + spread)].max()! }
        return (0..<nz).map { k in
            let w = widened[max(0, k - smooth)...min(nz - 1, k + smooth)]
            return w.reduce(0, +) / Double(w.count)
        }
    }

    /// Voxelises both hip bones into `labels` over soft tissue, marks the sacroiliac joints, and records
    /// the iliac crests.
    mutating func addPelvis(to labels: inout Volume<UInt8>) {
        let ilium = Tissue.ilium.rawValue, sacrumLabel = Tissue.sacrum.rawValue, joint = Tissue.sacroiliacJoint.rawValue
        let soft: Set<UInt8> = [Tissue.muscle.rawValue, Tissue.multifidus.rawValue, Tissue.erectorSpinae.rawValue, Tissue.fascia.rawValue,
                                Tissue.psoas.rawValue, Tissue.quadratusLumborum.rawValue,
                                Tissue.otherSoftTissue.rawValue, Tissue.subcutaneousFat.rawValue]
        let full = labels.grid
        let voxelMm3 = h * h * h
        for side in Side.allCases {
            guard let mesh = hipMeshes[side], let b = mesh.bounds else { continue }
            let n = MeshVoxelizer.fill(mesh, into: &labels, label: ilium, overwrite: { soft.contains($0) })
            measurements["ilium.\(side.rawValue).volumeCm3"] = Double(n) * voxelMm3 / 1000
            // The crest top: the highest point of the hip bone.
            if let top = mesh.vertices.max(by: { $0.z < $1.z }) { landmarks["ilium.\(side.rawValue).crestTop"] = Vector3(top) }
            // The joint: where this hip bone's box meets the sacrum's.
            guard let s = sacrumMesh.bounds else { continue }
            let lo = pointwiseMax(Vector3(b.min), Vector3(s.min)) - 4, hi = pointwiseMin(Vector3(b.max), Vector3(s.max)) + 4
            guard lo.x < hi.x, lo.y < hi.y, lo.z < hi.z else { continue }
            let box = IndexBox(grid: full, worldMin: lo, worldMax: hi)
            guard !box.isEmpty else { continue }
            // (The other hip bone does not reach into this box: the pubic symphysis lies far below the sacrum.)
            let (toSacrum, toIlium) = labels.voxels.withUnsafeBufferPointer { v in
                (DistanceTransform.distancesMm(grid: full, box: box) { v[$0] == sacrumLabel },
                 DistanceTransform.distancesMm(grid: full, box: box) { v[$0] == ilium })
            }
            let gap = Float(Self.sacroiliacMaxGapMm), carve = Float(Self.sacroiliacMinWidthMm)
            var count = 0
            var q = 0
            for k in box.lower.z...box.upper.z {
                for j in box.lower.y...box.upper.y {
                    var lin = full.linearIndex(box.lower.x, j, k)
                    for _ in box.lower.x...box.upper.x {
                        let l = labels.voxels[lin]
                        let between = soft.contains(l) && toSacrum[q] + toIlium[q] <= gap
                        let touching = l == ilium && toSacrum[q] <= carve
                        if between || touching {
                            labels.voxels[lin] = joint; count += 1
                        }
                        lin += 1; q += 1
                    }
                }
            }
            measurements["sacroiliacJoint.\(side.rawValue).volumeCm3"] = Double(count) * voxelMm3 / 1000
        }
        if let l = landmarks["ilium.left.crestTop"], let r = landmarks["ilium.right.crestTop"] {
            let z = (l.z + r.z) / 2
            measurements["intercristalLineZMm"] = z
            if let l4 = geo[.l4], let l5 = geo[.l5] {
                // Height above the L4–L5 disc centre (between the endplate centres), mm.
                measurements["intercristalLineAboveL4L5DiscMm"] = z - (l4.inferiorEndplate.centre.z + l5.superiorEndplate.centre.z) / 2
            }
        }
    }
}
