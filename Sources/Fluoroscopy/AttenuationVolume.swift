import Anatomy
import Foundation

/// A CT in Hounsfield units prepared for ray casting: each voxel a code (HU + 1024, clamped to 0–4095)
/// into per-HU material tables.
///
/// Material decomposition (two components, after the usual CT-to-material conversions): below 0 HU a
/// water-equivalent material of density 1 + HU/1000 g/cm³ (air at −1000 is empty); from 0 HU up, a
/// mixture of water and cortical bone (ICRU-44, 1.92 g/cm³) with bone fraction HU/1935 — 1935 HU being
/// cortical bone at 60 keV computed from NIST (data sheet §5a) — so HU 1935 is pure cortical bone.
public struct AttenuationVolume: Sendable {
    public let grid: Grid
    let codes: [UInt16]
    /// Inclusive index bounds of the voxels denser than air (HU > −1000); nil if there are none.
    let occupied: (lower: SIMD3<Int>, upper: SIMD3<Int>)?
    /// Which 8³ blocks hold one code throughout.
    let blocks: UniformBlocks
    /// Which 4³ blocks do: the packet kernel's second try inside a mixed 8³ block.
    let subBlocks: UniformBlocks

    public static let corticalBoneHU = 1935.0
    static let codeCount = 4096

    public init(hounsfield: Volume<Int16>) throws {
        try self.init(grid: hounsfield.grid) { range, codes in
            hounsfield.voxels.withUnsafeBufferPointer { hu in Self.encode(range, codes) { Int(hu[$0]) } }
        }
    }

    public init(hounsfield: Volume<Float>) throws {
        try self.init(grid: hounsfield.grid) { range, codes in
            hounsfield.voxels.withUnsafeBufferPointer { hu in
                var lowest = Float.infinity, highest = -Float.infinity
                for v in range {
                    let h = hu[v]
                    guard h.isFinite else { return .nonFinite(at: v) }
                    lowest = min(lowest, h); highest = max(highest, h)
                    codes[v] = Self.code(hu: Int((min(max(h, -2000), 5000) + 1024).rounded()) - 1024)
                }
                return .span(lowest: lowest, highest: highest)
            }
        }
    }

    /// What encoding a range of voxels found: their extreme HU, or a value that is not a number.
    enum EncodedRange: Sendable {
        case span(lowest: Float, highest: Float)
        case nonFinite(at: Int)
    }

    /// Everything at or below −1000 HU is empty: one code, so that air blocks are uniform.
    @inline(__always) static func code(hu: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: min(max(hu + 1024, Int(airCode)), codeCount - 1))
    }

    /// Codes for `range` from integer HU per voxel.
    @inline(__always) static func encode(_ range: Range<Int>, _ codes: UnsafeMutablePointer<UInt16>, hu: (Int) -> Int) -> EncodedRange {
        var lowest = Int.max, highest = Int.min
        for v in range {
            let h = hu(v)
            lowest = min(lowest, h); highest = max(highest, h)
            codes[v] = code(hu: h)
        }
        return .span(lowest: Float(lowest), highest: Float(highest))
    }

    /// Encodes the voxels in parallel chunks (`encode` writes the codes of its range), checks the HU
    /// range, and finds the occupied box and the block maps.
    init(grid: Grid, encode: @Sendable (Range<Int>, UnsafeMutablePointer<UInt16>) -> EncodedRange) throws {
        let count = grid.voxelCount, chunk = 1 << 20, chunks = (count + chunk - 1) / chunk
        var found = [EncodedRange](repeating: .span(lowest: .infinity, highest: -.infinity), count: chunks)
        // One spare element past the last voxel: the packet kernel reads codes as 32-bit words.
        let codes = [UInt16](unsafeUninitializedCapacity: count + 2) { buffer, initialized in
            let out = SharedPointer(buffer.baseAddress!)
            found.withUnsafeMutableBufferPointer { found in
                let results = SharedPointer(found.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    results.base[c] = encode(c * chunk..<min(count, c * chunk + chunk), out.base)
                }
            }
            buffer[count] = Self.airCode; buffer[count + 1] = Self.airCode
            initialized = count
        }
        var lowest = Float.infinity, highest = -Float.infinity
        for f in found {
            switch f {
            case .nonFinite(let v): throw FluoroscopyError.invalid("the CT holds a non-finite value at voxel \(v)")
            case .span(let lo, let hi): lowest = min(lowest, lo); highest = max(highest, hi)
            }
        }
        // A CT in HU has air, near −1000, around the body.
        guard lowest <= -500 else {
            throw FluoroscopyError.invalid(String(format: "the CT's values span %.0f…%.0f, which is not a Hounsfield range (expected air near −1000 around the body): is this a label image or unscaled data?", lowest, highest))
        }
        self.grid = grid
        self.codes = codes
        occupied = Self.occupiedBox(codes, grid.dimensions)
        blocks = UniformBlocks(codes: codes, dimensions: grid.dimensions, airCode: Self.airCode)
        subBlocks = UniformBlocks(codes: codes, dimensions: grid.dimensions, airCode: Self.airCode, size: 4)
    }

    /// The same CT with `voxels` (linear indices, x fastest) set to `hu`: a what-if for one structure, e.g.
    /// a pars cleft filled with the bone around it. The block maps are updated only where the voxels lie.
    public func filling(voxels: [Int], hu: Int) -> AttenuationVolume {
        var codes = codes
        let code = Self.code(hu: hu), indices = voxels.map(grid.index(ofLinear:))
        var lower = occupied?.lower ?? SIMD3(repeating: Int.max), upper = occupied?.upper ?? SIMD3(repeating: -1)
        for (v, index) in zip(voxels, indices) {
            codes[v] = code
            if code > Self.airCode { lower = pointwiseMin(lower, index); upper = pointwiseMax(upper, index) }
        }
        return AttenuationVolume(grid: grid, codes: codes, occupied: upper.x >= 0 ? (lower, upper) : nil,
                                 blocks: blocks.markingMixed(indices), subBlocks: subBlocks.markingMixed(indices))
    }

    private init(grid: Grid, codes: [UInt16], occupied: (lower: SIMD3<Int>, upper: SIMD3<Int>)?, blocks: UniformBlocks, subBlocks: UniformBlocks) {
        self.grid = grid
        self.codes = codes
        self.occupied = occupied
        self.blocks = blocks
        self.subBlocks = subBlocks
    }

    /// The Hounsfield value a voxel was encoded with (clamped to −1000…3071).
    public func hounsfield(atVoxel v: Int) -> Int { Int(codes[v]) - 1024 }

    /// Inclusive index bounds of the codes above air, one z-slice per task; nil if there are none.
    static func occupiedBox(_ codes: [UInt16], _ n: SIMD3<Int>) -> (lower: SIMD3<Int>, upper: SIMD3<Int>)? {
        var slices = [(lower: SIMD3<Int>, upper: SIMD3<Int>)?](repeating: nil, count: n.z)
        codes.withUnsafeBufferPointer { codes in
            let codes = SharedPointer(codes.baseAddress!)
            slices.withUnsafeMutableBufferPointer { slices in
                let out = SharedPointer(slices.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: n.z) { k in
                    var lo = SIMD3<Int>(Int.max, Int.max, k), hi = SIMD3<Int>(-1, -1, k)
                    for j in 0..<n.y {
                        let row = codes.base + n.x * (j + n.y * k)
                        guard let first = (0..<n.x).first(where: { row[$0] > airCode }) else { continue }
                        let last = (first..<n.x).last(where: { row[$0] > airCode })!
                        lo.x = min(lo.x, first); hi.x = max(hi.x, last)
                        lo.y = min(lo.y, j); hi.y = max(hi.y, j)
                    }
                    out.base[k] = hi.x >= 0 ? (lo, hi) : nil
                }
            }
        }
        let found = slices.compactMap { $0 }
        guard let first = found.first else { return nil }
        return found.dropFirst().reduce(first) { (pointwiseMin($0.lower, $1.lower), pointwiseMax($0.upper, $1.upper)) }
    }

    /// HU −1000 and below: no material.
    static let airCode: UInt16 = 24

    /// (water, bone) densities per code, g/cm³ of water-equivalent material and of cortical bone: the
    /// decomposition above as a formula of HU.
    static let materials = DensityFormula(c0: 1, c1: 1 / 1000, c2: -1 / corticalBoneHU, c3: XRayMaterial.corticalBone.densityGPerCm3 / corticalBoneHU)
    /// (1 + HU/1000 clipped at 0, 0): the monochromatic mode's μ/μ_water.
    static let relativeToWater = DensityFormula(c0: 1, c1: 1 / 1000, c2: 1 / 1000, c3: 0)

    static let densities = materials.table(codeCount: codeCount)
    static let monochromatic = relativeToWater.table(codeCount: codeCount)
}

/// Two densities per voxel as a piecewise-linear function of h = HU = code − 1024:
/// first = max(0, c0 + c1·min(h, 0) + c2·max(h, 0)), second = c3·max(h, 0). The scalar walks read it
/// as a table per code; the packet kernel evaluates the same formula.
struct DensityFormula: Sendable {
    let c0: Double, c1: Double, c2: Double, c3: Double

    func first(hu h: Double) -> Double { max(0, c0 + c1 * min(h, 0) + c2 * max(h, 0)) }
    func second(hu h: Double) -> Double { c3 * max(h, 0) }

    /// (first, second) per code 0..<codeCount.
    func table(codeCount: Int) -> [SIMD2<Float>] {
        (0..<codeCount).map { c in
            let h = Double(c - 1024)
            return SIMD2(Float(first(hu: h)), Float(second(hu: h)))
        }
    }
}
