import Anatomy

extension AttenuationVolume {
    /// A subject's CT for ray casting, with each soft-tissue label at its mean HU and bone voxel by voxel.
    ///
    /// The subject's CT adds seeded white noise to soft tissue (for the look of a CT slice); along an
    /// X-ray that noise averages away (a 300-voxel ray changes by SD/√300 ≈ 1 HU·mm per mm), so the DRR
    /// loses nothing visible, while whole blocks of soft tissue become uniform and are crossed in one step
    /// (`UniformBlocks`). Bone keeps its texture and cortical shell. The mean of every label is kept
    /// exactly (to the HU), so each tissue's total attenuation is unchanged.
    public init(subjectCT ct: Volume<Int16>, labels: Volume<UInt8>) throws {
        guard ct.grid.dimensions == labels.grid.dimensions else {
            throw FluoroscopyError.invalid("the subject's CT (\(ct.grid.dimensions)) and labels (\(labels.grid.dimensions)) differ in size")
        }
        var sum = [Double](repeating: 0, count: 256), count = [Int](repeating: 0, count: 256)
        for (h, l) in zip(ct.voxels, labels.voxels) { sum[Int(l)] += Double(h); count[Int(l)] += 1 }
        let mean = (0..<256).map { count[$0] > 0 ? Int16((sum[$0] / Double(count[$0])).rounded()) : 0 }
        var voxels = ct.voxels
        for (v, l) in labels.voxels.enumerated() where l != Tissue.air.rawValue && !Tissue.isBone(l) { voxels[v] = mean[Int(l)] }
        try self.init(hounsfield: Volume(grid: ct.grid, voxels: voxels))
    }
}
