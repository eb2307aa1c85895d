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
        // Per label: 1 soft, 2 pelvic, 0 other bone.
        let kind = (0..<256).map { l -> UInt8 in
            Tissue.isBone(UInt8(l)) ? (l == Int(Tissue.ilium.rawValue) || l == Int(Tissue.sacrum.rawValue) ? 2 : 0) : 1
        }
        let n = ct.grid.dimensions, plane = n.x * n.y
        let reach = 1 + n.x + plane   // the largest linear offset of a 3 × 3 × 3 neighbour
        try self.init(grid: ct.grid) { range, codes in
            ct.voxels.withUnsafeBufferPointer { hu in labels.voxels.withUnsafeBufferPointer { labels in
            kind.withUnsafeBufferPointer { kind in means.withUnsafeBufferPointer { means in
                let count = labels.count, raw = UnsafeRawPointer(labels.baseAddress!)
                /// Eight labels from voxel `v` on, as one word.
                @inline(__always) func word(_ v: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: v, as: UInt64.self) }
                /// The value of voxel `v`: its own, or at a boundary the mean of its neighbourhood.
                func value(_ v: Int) -> Int {
                    let l = labels[v], k = kind[Int(l)]
                    guard k != 0 else { return Int(hu[v]) }
                    let own = k == 1 ? means[Int(l)] : Int(hu[v])
                    // A boundary with another label along x, y or z (a row's end meets the next row's start only
                    // at the grid's edge, which is air on both sides).
                    guard v >= reach, v + reach < count,
                          labels[v - 1] != l || labels[v + 1] != l || labels[v - n.x] != l || labels[v + n.x] != l
                            || labels[v - plane] != l || labels[v + plane] != l else { return own }
                    var sum = 0, kept = 0
                    for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
                        let w = v + dx + dy * n.x + dz * plane, m = Int(labels[w])
                        switch kind[m] {
                        case 1: sum += means[m]; kept += 1
                        case 2: sum += Int(hu[w]); kept += 1
                        default: break
                        }
                    } } }
                    return Int((Double(sum) / Double(kept)).rounded())
                }
                var lowest = Int.max, highest = Int.min
                var v = range.lowerBound
                while v < range.upperBound {
                    // Eight voxels of one soft label whose six neighbours along x, y and z are all of it too (most
                    // of the body and the air around it): the label's mean, without looking further.
                    if v >= reach, v + 8 + reach <= count, v + 8 <= range.upperBound {
                        let w = word(v), l = Int(UInt8(truncatingIfNeeded: w))
                        if kind[l] == 1, w == UInt64(l) &* 0x0101_0101_0101_0101, word(v - 1) == w, word(v + 1) == w,
                           word(v - n.x) == w, word(v + n.x) == w, word(v - plane) == w, word(v + plane) == w {
                            let h = means[l], c = Self.code(hu: h)
                            for q in v..<(v + 8) { codes[q] = c }
                            lowest = min(lowest, h); highest = max(highest, h)
                            v += 8
                            continue
                        }
                    }
                    let h = value(v)
                    lowest = min(lowest, h); highest = max(highest, h)
                    codes[v] = Self.code(hu: h)
                    v += 1
                }
                return .span(lowest: Float(lowest), highest: Float(highest))
            } }
            } }
        }
    }
}
