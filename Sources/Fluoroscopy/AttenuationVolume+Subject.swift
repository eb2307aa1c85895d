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
    ///
    /// Partial volume at the soft boundaries: a soft-tissue, air, ilium or sacrum voxel beside a voxel of another
    /// label takes the mean of its 3 × 3 × 3 neighbours' values (vertebrae left out), as a voxel straddling the
    /// boundary of a real CT would. Without it every smooth surface — the skin above all, −1000 against +30 HU — is a
    /// staircase whose steps an exact line integral sees: an elliptic body gave vertical stripes of 0.004 in
    /// −ln(I/I₀) (about a grey level) across every AP shot; a 3 × 3 box brings that to 0.0015 (exact
    /// sub-voxel coverage: 0.0014). The vertebrae's edges stay sharp.
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
        // Soft tissue and air are drawn at their label's mean (air at the CT's own air value); bone as scanned.
        // The pelvic bones share the soft boundaries' partial volume: their broad, gently curved plates (the
        // iliac wings, the alae) are staircases along the beam as the skin is; the vertebrae keep sharp
        // edges (their outlines and the pars cleft are what a shot is read for).
        let soft = (0..<256).map { l in !Tissue.isBone(UInt8(l)) }
        let pelvic = (0..<256).map { l in l == Int(Tissue.ilium.rawValue) || l == Int(Tissue.sacrum.rawValue) }
        let blended = (0..<256).map { soft[$0] || pelvic[$0] }
        let n = ct.grid.dimensions, plane = n.x * n.y
        let reach = 1 + n.x + plane   // the largest linear offset of a 3 × 3 × 3 neighbour
        try self.init(grid: ct.grid) { range, codes in
            ct.voxels.withUnsafeBufferPointer { hu in labels.voxels.withUnsafeBufferPointer { labels in
                let count = labels.count
                return Self.encode(range, codes) { v in
                    let l = labels[v]
                    guard blended[Int(l)] else { return Int(hu[v]) }
                    let own = soft[Int(l)] ? means[Int(l)] : Int(hu[v])
                    // A boundary with another label along x, y or z (a row's end meets the next row's start only
                    // at the grid's edge, which is air on both sides).
                    guard v >= reach, v + reach < count,
                          labels[v - 1] != l || labels[v + 1] != l || labels[v - n.x] != l || labels[v + n.x] != l
                            || labels[v - plane] != l || labels[v + plane] != l else { return own }
                    var sum = 0, kept = 0
                    for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
                        let w = v + dx + dy * n.x + dz * plane, m = Int(labels[w])
                        if soft[m] { sum += means[m]; kept += 1 } else if pelvic[m] { sum += Int(hu[w]); kept += 1 }
                    } } }
                    return Int((Double(sum) / Double(kept)).rounded())
                }
            } }
        }
    }
}
