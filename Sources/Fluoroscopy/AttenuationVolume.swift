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
        try self.init(grid: hounsfield.grid, values: hounsfield.voxels.lazy.map { Float($0) }, count: hounsfield.voxels.count)
    }

    public init(hounsfield: Volume<Float>) throws {
        try self.init(grid: hounsfield.grid, values: hounsfield.voxels.lazy.map { $0 }, count: hounsfield.voxels.count)
    }

    private init<S: Sequence>(grid: Grid, values: S, count: Int) throws where S.Element == Float {
        // One spare element past the last voxel: the packet kernel reads codes as 32-bit words.
        var codes = [UInt16]()
        codes.reserveCapacity(count + 2)
        codes.append(contentsOf: repeatElement(0, count: count))
        var lowest = Float.infinity, highest = -Float.infinity
        var i = 0
        for v in values {
            guard v.isFinite else { throw FluoroscopyError.invalid("the CT holds a non-finite value at voxel \(i)") }
            lowest = min(lowest, v); highest = max(highest, v)
            // Everything at or below −1000 HU is empty: one code, so that air blocks are uniform.
            codes[i] = UInt16(min(max(Int((v + 1024).rounded()), Int(Self.airCode)), Self.codeCount - 1))
            i += 1
        }
        // A CT in HU has air, near −1000, around the body.
        guard lowest <= -500 else {
            throw FluoroscopyError.invalid(String(format: "the CT's values span %.0f…%.0f, which is not a Hounsfield range (expected air near −1000 around the body): is this a label image or unscaled data?", lowest, highest))
        }
        self.grid = grid
        self.codes = codes
        var lo = SIMD3<Int>(Int.max, Int.max, Int.max), hi = SIMD3<Int>(-1, -1, -1)
        let n = grid.dimensions
        for k in 0..<n.z { for j in 0..<n.y {
            let row = n.x * (j + n.y * k)
            for i in 0..<n.x where codes[row + i] > Self.airCode {
                lo = pointwiseMin(lo, SIMD3(i, j, k)); hi = pointwiseMax(hi, SIMD3(i, j, k))
            }
        } }
        occupied = hi.x >= 0 ? (lo, hi) : nil
        blocks = UniformBlocks(codes: codes, dimensions: n, airCode: Self.airCode)
        subBlocks = UniformBlocks(codes: codes, dimensions: n, airCode: Self.airCode, size: 4)
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
