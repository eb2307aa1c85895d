import Anatomy
import Foundation

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
        // Each label's mean HU, summed in parallel chunks.
        let chunk = 1 << 22, count = ct.voxels.count, chunks = (count + chunk - 1) / chunk
        var partial = [Int](repeating: 0, count: 512 * chunks)
        ct.voxels.withUnsafeBufferPointer { hu in labels.voxels.withUnsafeBufferPointer { labels in
            partial.withUnsafeMutableBufferPointer { partial in
                let (hu, labels, out) = (SharedPointer(hu.baseAddress!), SharedPointer(labels.baseAddress!), SharedPointer(partial.baseAddress!))
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let sums = out.base + 512 * c  // [sum of HU per label, voxels per label]
                    for v in c * chunk..<min(count, c * chunk + chunk) {
                        let l = Int(labels.base[v])
                        sums[l] += Int(hu.base[v]); sums[256 + l] += 1
                    }
                }
            }
        } }
        let means = (0..<256).map { l in
            let (sum, n) = (0..<chunks).reduce((0, 0)) { ($0.0 + partial[512 * $1 + l], $0.1 + partial[512 * $1 + 256 + l]) }
            return n > 0 ? Int((Double(sum) / Double(n)).rounded()) : 0
        }
        let softTissue = (0..<256).map { l in l != Int(Tissue.air.rawValue) && !Tissue.isBone(UInt8(l)) }
        try self.init(grid: ct.grid) { range, codes in
            ct.voxels.withUnsafeBufferPointer { hu in labels.voxels.withUnsafeBufferPointer { labels in
                Self.encode(range, codes) { v in
                    let l = Int(labels[v])
                    return softTissue[l] ? means[l] : Int(hu[v])
                }
            } }
        }
    }
}
