import Anatomy

/// A ball of `radiusMm` at the origin labelled `label` on a 64³ grid of 0.5 mm, as a coarse scan's mask
/// resampled to it: each voxel takes the label of the `cellMm` lattice cell it lies in, so the surface is a
/// staircase of `cellMm` steps (the analytic phantom of the smoothing tests; true normal: radial).
public func coarseScanSphere(radiusMm: Double, cellMm: Double, label: UInt8) throws -> Volume<UInt8> {
    let grid = try Grid(dimensions: SIMD3(64, 64, 64), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(-15.75, -15.75, -15.75))
    var volume = Volume<UInt8>(grid: grid, repeating: 0)
    for k in 0..<64 { for j in 0..<64 { for i in 0..<64 {
        let p = grid.world(i, j, k)
        let cell = Vector3((p.x / cellMm).rounded(), (p.y / cellMm).rounded(), (p.z / cellMm).rounded()) * cellMm
        if cell.length < radiusMm { volume[i, j, k] = label }
    } } }
    return volume
}
