import Anatomy
import CPrefetch
import Foundation

/// Per-label lookup tables for the ray march (indexed by the raw label, 0–255).
struct AcousticTable: Sendable {
    /// Z, MRayl.
    let impedance: FloatBuffer
    /// Two-way amplitude factor of one march step: 10^(−2·α·f₀·Δz/20).
    let attenuationPerStep: FloatBuffer
    /// √(backscatter per mm), 0 for anechoic tissue.
    let backscatter: FloatBuffer

    init(frequencyMHz: Double, stepMm: Double, overrides: [UInt8: TissueAcoustics] = [:]) {
        impedance = FloatBuffer(count: 256)
        attenuationPerStep = FloatBuffer(count: 256)
        backscatter = FloatBuffer(count: 256)
        for label in 0..<256 {
            let t = overrides[UInt8(label)] ?? TissueAcoustics.of(label: UInt8(label))
            impedance[label] = Float(t.impedanceMRayl)
            attenuationPerStep[label] = Float(pow(10, -2 * t.attenuationDBPerCmMHz * frequencyMHz * (stepMm / 10) / 20))
            if let db = t.backscatterDB {
                backscatter[label] = Float((BModeSimulator.muscleBackscatterPerMm * pow(10, db / 10)).squareRoot())
            }
        }
    }
}

/// Read-only access to a label volume for the ray march: voxel lookups by integer index.
struct LabelVolume: @unchecked Sendable {
    let voxels: UnsafeBufferPointer<UInt8>
    let grid: Grid
    let nx: Int, ny: Int, nz: Int
    /// ∂index/∂world (3×3), to turn index-space gradients into world ones: ∇_w = Jᵀ ∇_i.
    let jacobian: (Vector3, Vector3, Vector3)

    init(voxels: UnsafeBufferPointer<UInt8>, grid: Grid) {
        self.voxels = voxels
        self.grid = grid
        nx = grid.dimensions.x; ny = grid.dimensions.y; nz = grid.dimensions.z
        let m = grid.indexFromWorld
        jacobian = (Vector3(m[0, 0], m[0, 1], m[0, 2]), Vector3(m[1, 0], m[1, 1], m[1, 2]), Vector3(m[2, 0], m[2, 1], m[2, 2]))
    }

    /// The label of a voxel; 0 beyond the grid.
    @inline(__always) func label(voxel v: (i: Int, j: Int, k: Int)) -> UInt8 {
        guard UInt(bitPattern: v.i) < UInt(bitPattern: nx), UInt(bitPattern: v.j) < UInt(bitPattern: ny),
              UInt(bitPattern: v.k) < UInt(bitPattern: nz) else { return 0 }
        return voxels[v.i &+ nx &* (v.j &+ ny &* v.k)]
    }

    /// Asks for a voxel's cache line ahead of its use; nothing beyond the grid.
    @inline(__always) func prefetch(voxel v: (i: Int, j: Int, k: Int)) {
        guard UInt(bitPattern: v.i) < UInt(bitPattern: nx), UInt(bitPattern: v.j) < UInt(bitPattern: ny),
              UInt(bitPattern: v.k) < UInt(bitPattern: nz) else { return }
        pg_prefetch(voxels.baseAddress! + (v.i &+ nx &* (v.j &+ ny &* v.k)))
    }

    @inline(__always) private func label(_ i: Int, _ j: Int, _ k: Int) -> UInt8 {
        let ci = min(max(i, 0), nx - 1), cj = min(max(j, 0), ny - 1), ck = min(max(k, 0), nz - 1)
        guard i == ci, j == cj, k == ck else { return 0 }
        return voxels[ci + nx * (cj + ny * ck)]
    }

    /// |cos| of the angle between a world direction and the impedance gradient (the surface normal) at a
    /// voxel, from a 3×3×3 Sobel-type stencil; 1 when the gradient vanishes.
    func cosineToSurface(voxel: (i: Int, j: Int, k: Int), direction: Vector3, impedance: FloatBuffer) -> Float {
        let (i, j, k) = voxel
        var g = Vector3.zero
        if i >= 1, j >= 1, k >= 1, i < nx - 1, j < ny - 1, k < nz - 1 {
            // Inside the grid (nearly always): the stencil's voxels by offset from the centre, no clamping.
            let centre = voxels.baseAddress! + (i + nx * (j + ny * k)), z = impedance.pointer.baseAddress!
            let sj = nx, sk = nx * ny
            @inline(__always) func at(_ di: Int, _ dj: Int, _ dk: Int) -> Float { z[Int(centre[di + dj * sj + dk * sk])] }
            for a in -1...1 {
                for b in -1...1 {
                    let w = Double((a == 0 ? 2 : 1) * (b == 0 ? 2 : 1))
                    g.x += w * Double(at(1, a, b) - at(-1, a, b))
                    g.y += w * Double(at(a, 1, b) - at(a, -1, b))
                    g.z += w * Double(at(a, b, 1) - at(a, b, -1))
                }
            }
        } else {
            for a in -1...1 {
                for b in -1...1 {
                    let w = Double((a == 0 ? 2 : 1) * (b == 0 ? 2 : 1))
                    g.x += w * Double(impedance[Int(label(i + 1, j + a, k + b))] - impedance[Int(label(i - 1, j + a, k + b))])
                    g.y += w * Double(impedance[Int(label(i + a, j + 1, k + b))] - impedance[Int(label(i + a, j - 1, k + b))])
                    g.z += w * Double(impedance[Int(label(i + a, j + b, k + 1))] - impedance[Int(label(i + a, j + b, k - 1))])
                }
            }
        }
        let world = jacobian.0 * g.x + jacobian.1 * g.y + jacobian.2 * g.z
        let length = world.length
        guard length > 1e-12 else { return 1 }
        return Float(abs(world.dot(direction)) / length)
    }
}

/// A point in 32.32 fixed point (a volume's index space, or the speckle lattice). A ray steps by adding a
/// fixed-point increment, and the cell it is in is the integer part: no float-to-integer conversions per
/// step (a quarter of the march's work with `Vector3` positions). Increments are rounded to 2⁻³², so after
/// the ≈ 2000 steps of a 250 mm line a position is off by < 10⁻⁶ of a cell.
struct FixedPoint3 {
    var x: Int64, y: Int64, z: Int64
    static let one = 4_294_967_296.0

    /// A point, rounded down to 2⁻³².
    init(_ p: Vector3) {
        x = Int64((p.x * Self.one).rounded(.down)); y = Int64((p.y * Self.one).rounded(.down)); z = Int64((p.z * Self.one).rounded(.down))
    }

    /// A step, rounded to 2⁻³².
    init(step d: Vector3) {
        x = Int64((d.x * Self.one).rounded()); y = Int64((d.y * Self.one).rounded()); z = Int64((d.z * Self.one).rounded())
    }

    /// ⌊p⌋ per axis: the cell the point is in.
    @inline(__always) var cell: (i: Int, j: Int, k: Int) { (Int(x >> 32), Int(y >> 32), Int(z >> 32)) }

    @inline(__always) static func += (a: inout FixedPoint3, b: FixedPoint3) { a.x &+= b.x; a.y &+= b.y; a.z &+= b.z }
}
