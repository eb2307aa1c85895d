import Foundation

/// Samples a patient's CT and masks onto the subject's grid and labels each voxel (`PatientCTBuild`'s
/// rules): bone from the masks; air, fat, muscle and other tissue from the Hounsfield units.
struct PatientCTResampler: Sendable {
    let ct: Volume<Float>
    /// `CoarseBody.outside` of the CT.
    let outside: [Bool]
    let masks: Volume<UInt8>
    /// Subject frame minus patient frame, mm.
    let shift: Vector3
    /// y of the spine's coronal plane at height z (subject frame), mm.
    let spinePlane: @Sendable (Double) -> Double

    func resample(onto grid: Grid) -> Sampled {
        let count = grid.voxelCount, dims = grid.dimensions
        var labels = [UInt8](repeating: 0, count: count), hu = [Int16](repeating: -1000, count: count)
        var outsideOut = [Bool](repeating: true, count: count)
        ct.voxels.withUnsafeBufferPointer { ctv in outside.withUnsafeBufferPointer { outv in masks.voxels.withUnsafeBufferPointer { mv in
        labels.withUnsafeMutableBufferPointer { l in hu.withUnsafeMutableBufferPointer { h in outsideOut.withUnsafeMutableBufferPointer { o in
            let (l, h, o) = (SharedVoxels(base: l.baseAddress!), SharedVoxels(base: h.baseAddress!), SharedVoxels(base: o.baseAddress!))
            let sampler = Sampler(ct: SharedReadOnly(base: ctv.baseAddress!), outside: SharedReadOnly(base: outv.baseAddress!),
                                  masks: SharedReadOnly(base: mv.baseAddress!), ctDimensions: ct.grid.dimensions, maskDimensions: masks.grid.dimensions)
            let step = grid.spacingMm.x
            DispatchQueue.concurrentPerform(iterations: dims.z) { k in
                let planeY = spinePlane(grid.world(0, 0, k).z)
                var ctRow = Sampler.CTRow(count: ct.grid.dimensions.x), maskRow = Sampler.MaskRow(count: masks.grid.dimensions.x)
                for j in 0..<dims.y {
                    // Index coordinates in the CT and the masks step by a constant along a row.
                    let p0 = grid.world(0, j, k), q0 = p0 - shift, q1 = q0 + Vector3(step, 0, 0)
                    let c0 = ct.grid.indexFromWorld.apply(q0), dc = ct.grid.indexFromWorld.apply(q1) - c0
                    let m0 = masks.grid.indexFromWorld.apply(q0), dm = masks.grid.indexFromWorld.apply(q1) - m0
                    // Where the row runs along the source's own rows (an LPS-aligned scan, flipped or not), the
                    // source rows are blended once for the whole row.
                    let ctAlong = dc.y == 0 && dc.z == 0, masksAlong = dm.y == 0 && dm.z == 0
                    if ctAlong { sampler.fill(&ctRow, j: c0.y, k: c0.z) }
                    if masksAlong { sampler.fill(&maskRow, j: m0.y, k: m0.z) }
                    let behindSpine = p0.y > planeY
                    var v = grid.linearIndex(0, j, k)
                    for i in 0..<dims.x {
                        let c = c0 + dc * Double(i), m = m0 + dm * Double(i)
                        let (value, nearOutside, allOutside) = ctAlong ? ctRow.sample(c.x) : sampler.hounsfield(atIndex: c)
                        let label = allOutside ? Tissue.air.rawValue
                            : Self.classify(hu: value, mask: masksAlong ? maskRow.sample(m.x) : sampler.maskLabel(atIndex: m), behindSpine: behindSpine)
                        l.base[v] = label
                        h.base[v] = Int16(max(-1024, min(3071, value + (value < 0 ? -0.5 : 0.5))))
                        o.base[v] = label == 0 && nearOutside
                        v += 1
                    }
                }
            }
        } } } } } }
        return Sampled(labels: Volume(grid: grid, voxels: labels), hounsfield: Volume(grid: grid, voxels: hu), outside: outsideOut)
    }

    /// `PatientCTBuild`'s rules, in order: bone masks; air below the body threshold; fat; the masks' muscles
    /// and organs; other bone; muscle-range tissue behind the spine's plane as muscle; the rest other tissue.
    @inline(__always) static func classify(hu: Float, mask: UInt8, behindSpine: Bool) -> UInt8 {
        if Tissue.isBone(mask) { return mask }
        if hu <= PatientCTBuild.bodyThresholdHU { return Tissue.air.rawValue }
        if hu <= PatientCTBuild.fatUpperHU { return Tissue.subcutaneousFat.rawValue }
        if mask != 0 { return mask }
        if hu > PatientCTBuild.boneThresholdHU { return Tissue.otherBone.rawValue }
        if behindSpine, PatientCTBuild.muscleRangeHU.contains(hu) { return Tissue.muscle.rawValue }
        return Tissue.otherSoftTissue.rawValue
    }
}
