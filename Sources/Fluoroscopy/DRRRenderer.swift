import Anatomy
import Foundation

/// What to render besides the CT: the beam, a needle, contrast.
public struct Exposure: Sendable {
    /// Polychromatic spectrum, or a monochromatic one for `--mono-kev`.
    public var spectrum: Spectrum
    /// True: μ = μ_water(E)·(1 + HU/1000) (the validation mode); false: the two-material physics.
    public var waterScaledMonochromatic = false
    public var needle: NeedleShaft?
    /// Iodine concentration, mg I/mL, on its own grid.
    public var contrast: Volume<Float>?

    public init(spectrum: Spectrum, waterScaledMonochromatic: Bool = false, needle: NeedleShaft? = nil, contrast: Volume<Float>? = nil) {
        self.spectrum = spectrum
        self.waterScaledMonochromatic = waterScaledMonochromatic
        self.needle = needle
        self.contrast = contrast
    }
}

/// A rendered shot: per pixel the energy-weighted transmission I/I₀ and the line integral −ln(I/I₀)
/// (exactly Σμℓ for a monochromatic beam), row-major, row 0 the detector's up edge.
public struct DRRImage: Sendable {
    public let carm: CArm
    public var transmission: [Float]
    public var lineIntegral: [Float]
    /// The rows the collimator closed (`Shutters.close`): transmission 0, line integral +∞, shown as a blade.
    public var shutters: Shutters = .open
    /// The edge of the voxels the shot was rendered from (their largest spacing), mm; 0 for none.
    public var voxelMm: Double = 0
    public var width: Int { carm.pixels }
    public var height: Int { carm.pixels }
}

/// Digitally reconstructed radiographs: for each detector pixel the ray from the source is traversed
/// exactly through the CT (in packets by the vector slab walk, `PacketKernel`, or one by one by
/// `VoxelTraversal`: the same integrals), accumulating water-equivalent and bone mass per area (g/cm²),
/// iodine from the contrast volume and steel along the needle's chord; the energy-integrating detector
/// then sees I/I₀ = Σ_E w(E)·exp(−Σ_m (μ/ρ)_m(E)·A_m). Beam hardening follows from the physics. Tiles of
/// 16 × 16 pixels are rendered in parallel; each pixel depends only on its own ray.
public struct DRRRenderer: Sendable {
    public let volume: AttenuationVolume

    /// Whether packets of rays go through the vector kernel where the processor has it (tests turn it
    /// off to compare with the voxel walk).
    var vectorKernel = true
    /// Rays per packet of the vector kernel, one of `packetWidths` (benchmarks compare them); nil: the
    /// widest.
    public var packetWidth: Int?
    /// Whether uniform blocks are crossed in one step; nil: when at least half the blocks holding
    /// material are uniform (tests force it either way).
    var crossBlocks: Bool?

    public init(volume: AttenuationVolume) {
        self.volume = volume
    }

    /// The packet widths this processor's vector kernel runs, widest first: [16, 8] with AVX-512,
    /// [8] with AVX2 only, [] elsewhere (every ray is then walked on its own, exactly as well).
    public static var packetWidths: [Int] { PacketKernel.widths }

    public func render(_ carm: CArm, _ exposure: Exposure) -> DRRImage {
        let n = carm.pixels
        let transmission = UnsafeMutableBufferPointer<Float>.allocate(capacity: n * n)
        let integral = UnsafeMutableBufferPointer<Float>.allocate(capacity: n * n)
        defer { transmission.deallocate(); integral.deallocate() }
        let out = PixelSink(transmission: transmission.baseAddress!, integral: integral.baseAddress!)
        let spectrum = exposure.spectrum
        let bins = spectrum.energiesKeV.count
        // Mass attenuation per bin, cm²/g.
        let water = spectrum.energiesKeV.map { Float(XRayMaterial.water.massAttenuation(keV: $0)) }
        let bone = spectrum.energiesKeV.map { Float(XRayMaterial.corticalBone.massAttenuation(keV: $0)) }
        let iodine = spectrum.energiesKeV.map { Float(XRayMaterial.iodine.massAttenuation(keV: $0)) }
        let steel = spectrum.energiesKeV.map { Float(XRayMaterial.steel.massAttenuation(keV: $0)) }
        let weights = spectrum.detectorWeights.map { Float($0) }
        let traversal = VoxelTraversal(grid: volume.grid, lower: volume.occupied?.lower, upper: volume.occupied?.upper)
        let empty = volume.occupied == nil
        let contrastTraversal = exposure.contrast.map { VoxelTraversal(grid: $0.grid) }
        let mono = exposure.waterScaledMonochromatic
        // Pixels with only water and bone on their ray read the spectral sum from a table.
        let table = mono || bins == 1 ? nil : TransmissionTable.cached(spectrum)
        let source = carm.sourceMm
        let codes = volume.codes
        let densityTable = mono ? AttenuationVolume.monochromatic : AttenuationVolume.densities
        // Blocks pay where most of the body is piecewise constant (a subject: 72 % of its 8³ blocks with
        // material are uniform; the packets' AP shot 172 → 86 ms); in a CT whose every voxel carries
        // noise they would only add steps, so the plain walk serves it.
        let useBlocks = crossBlocks ?? (volume.blocks.uniformMaterialFraction >= 0.5)
        let blockDimensions = volume.blocks.dimensions
        /// Σ ℓ·ρ (water, bone) in g·mm/cm³ along one ray, walked voxel by voxel.
        @Sendable func scalarMass(_ c: SharedPointers, _ d: Vector3, _ length: Double) -> SIMD2<Float> {
            if empty { return .zero }
            if useBlocks {
                return traversal.integrateBlocks(start: source, direction: d, lengthMm: length, codes: c.codes, table: c.densities,
                                                 blocks: c.blocks, blockDimensions: blockDimensions)
            }
            return traversal.integrate(start: source, direction: d, lengthMm: length, codes: c.codes, table: c.densities)
        }
        /// The detector's reading of one pixel, from its ray's water and bone mass (g/cm²) plus contrast
        /// and needle.
        @Sendable func expose(row: Int, column: Int, _ d: Vector3, _ length: Double, _ mass: SIMD2<Float>) {
            let aw = Double(mass.x), ab = Double(mass.y)
            var ai = 0.0
            if let ct = contrastTraversal, let contrast = exposure.contrast {
                contrast.voxels.withUnsafeBufferPointer { mg in
                    ct.traverse(start: source, direction: d, lengthMm: length) { v, l in ai += l * Double(mg[v]) }
                }
                ai /= 10 * 1000  // mm·mg/mL → g/cm²
            }
            let afe = exposure.needle.map { Self.chordMm(start: source, direction: d, needle: $0) / 10 * XRayMaterial.steel.densityGPerCm3 } ?? 0
            var t: Float = 0
            if ai == 0, afe == 0, let table, let fast = table.transmission(water: aw, bone: ab) {
                t = fast
            } else {
                for b in 0..<bins {
                    // Mono: aw is Σℓ·(1 + HU/1000) in cm and water[b] is μ_water per cm.
                    let mu = mono ? water[b] * Float(aw) : water[b] * Float(aw) + bone[b] * Float(ab)
                    t += weights[b] * expf(-(mu + iodine[b] * Float(ai) + steel[b] * Float(afe)))
                }
            }
            let i = row * n + column
            out.transmission[i] = t
            out.integral[i] = -logf(max(t, .leastNormalMagnitude))
        }
        // Rays go in packets through the vector slab walk where the processor has it, one by one
        // (and where a packet does not qualify) through the voxel walk: the same integrals.
        let packets = vectorKernel && !empty
        volume.withPacketKernel(width: packetWidth, mono ? AttenuationVolume.relativeToWater : AttenuationVolume.materials, useBlocks: useBlocks) { kernel in
          let kernel = packets ? kernel : nil
          codes.withUnsafeBufferPointer { codes in
            densityTable.withUnsafeBufferPointer { densityTable in
                  volume.blocks.codes.withUnsafeBufferPointer { blocks in
                    let c = SharedPointers(codes: codes.baseAddress!, densities: UnsafeRawPointer(densityTable.baseAddress!).assumingMemoryBound(to: Float.self),
                                           blocks: blocks.baseAddress!)
                    // Square tiles of rays, not rows: neighbouring rays in both directions share the
                    // cache lines of the voxels they cross.
                    let tile = 16, tilesPerSide = (n + tile - 1) / tile, width = kernel?.width ?? 1
                    // A packet is a patch of 2 rows of pixels (8 × 2 for 16 rays, 4 × 2 for 8): rays close
                    // together meet the same blocks (4 × 4, 16 × 1 and 8 × 1 were slower, measured side by side).
                    let packetRows = min(2, width), packetColumns = width / packetRows
                    DispatchQueue.concurrentPerform(iterations: tilesPerSide * tilesPerSide) { tileIndex in
                        let row0 = (tileIndex / tilesPerSide) * tile, column0 = (tileIndex % tilesPerSide) * tile
                        var directions = [Vector3](repeating: .zero, count: width), lengths = [Double](repeating: 0, count: width)
                        var pixels = [(row: Int, column: Int)](repeating: (0, 0), count: width)
                        var masses = [SIMD2<Float>](repeating: .zero, count: width)
                        for packetRow in stride(from: row0, to: min(row0 + tile, n), by: packetRows) {
                            for packetColumn in stride(from: column0, to: min(column0 + tile, n), by: packetColumns) {
                                var count = 0
                                for row in packetRow..<min(packetRow + packetRows, n) { for column in packetColumn..<min(packetColumn + packetColumns, n) {
                                    let target = carm.detectorPoint(column: Double(column), row: Double(row))
                                    directions[count] = (target - source).normalized; lengths[count] = (target - source).length
                                    pixels[count] = (row, column)
                                    count += 1
                                } }
                                let together = kernel != nil && count == width
                                    && kernel!.integrate(source: source, directions: directions, lengthsMm: lengths, mass: &masses)
                                for l in 0..<count {
                                    // Σ ℓ·ρ in g/cm² (ℓ in mm → cm).
                                    let mass = (together ? masses[l] : scalarMass(c, directions[l], lengths[l])) / 10
                                    expose(row: pixels[l].row, column: pixels[l].column, directions[l], lengths[l], mass)
                                }
                            }
                        }
                    }
                  }
            }
          }
        }
        return DRRImage(carm: carm, transmission: Array(transmission), lineIntegral: Array(integral),
                        voxelMm: volume.grid.spacingMm.max())
    }

    /// Length of a ray inside the needle's cylinder (between its hub and tip planes), mm.
    static func chordMm(start: Vector3, direction d: Vector3, needle: NeedleShaft) -> Double {
        let axis = needle.direction, r = needle.outerDiameterMm / 2
        let m = start - needle.hubMm
        // |(m + t d)⊥|² = r², ⊥ = component perpendicular to the axis.
        let dp = d - axis * d.dot(axis), mp = m - axis * m.dot(axis)
        let a = dp.dot(dp), b = 2 * dp.dot(mp), c = mp.dot(mp) - r * r
        guard a > 1e-12 else { return 0 }  // along the axis: never a long chord through a thin shaft here
        let disc = b * b - 4 * a * c
        guard disc > 0 else { return 0 }
        var t0 = (-b - disc.squareRoot()) / (2 * a), t1 = (-b + disc.squareRoot()) / (2 * a)
        // Clip to the slab between the end planes s ∈ [0, L] along the axis: s(t) = m·axis + t·d·axis.
        let s0 = m.dot(axis), ds = d.dot(axis), length = needle.lengthMm
        if abs(ds) > 1e-12 {
            var u0 = (0 - s0) / ds, u1 = (length - s0) / ds
            if u0 > u1 { swap(&u0, &u1) }
            t0 = max(t0, u0); t1 = min(t1, u1)
        } else if s0 < 0 || s0 > length { return 0 }
        return max(0, t1 - t0)
    }
}

/// Raw pointers shared with the row workers (each writes its own row; tables are read-only).
private struct SharedPointers: @unchecked Sendable {
    let codes: UnsafePointer<UInt16>
    /// (water, bone) pairs per code, flattened.
    let densities: UnsafePointer<Float>
    let blocks: UnsafePointer<Int32>
}

private struct PixelSink: @unchecked Sendable {
    let transmission: UnsafeMutablePointer<Float>
    let integral: UnsafeMutablePointer<Float>
}

/// The polychromatic transmission Σ_E w(E)·exp(−(μ/ρ)_w(E)·A_w − (μ/ρ)_b(E)·A_b) tabulated over the
/// water and bone masses per area (g/cm²), interpolated bilinearly in ln T — a smooth, nearly planar
/// function (its curvature is the beam hardening), so a 128 × 64 grid is accurate to ~10⁻³ in ln T.
/// Masses beyond the table fall back to the exact sum. One table per spectrum, kept for the process.
struct TransmissionTable: Sendable {
    static let waterMax = 80.0, boneMax = 30.0, nw = 128, nb = 64
    let logT: [Float]

    init(_ spectrum: Spectrum) {
        var v = [Float](repeating: 0, count: Self.nw * Self.nb)
        let w = spectrum.energiesKeV.map { XRayMaterial.water.massAttenuation(keV: $0) }
        let b = spectrum.energiesKeV.map { XRayMaterial.corticalBone.massAttenuation(keV: $0) }
        for j in 0..<Self.nb {
            let ab = Double(j) * Self.boneMax / Double(Self.nb - 1)
            for i in 0..<Self.nw {
                let aw = Double(i) * Self.waterMax / Double(Self.nw - 1)
                var t = 0.0
                for e in spectrum.detectorWeights.indices { t += spectrum.detectorWeights[e] * exp(-(w[e] * aw + b[e] * ab)) }
                v[j * Self.nw + i] = Float(log(max(t, 1e-300)))
            }
        }
        logT = v
    }

    @inline(__always) func transmission(water aw: Double, bone ab: Double) -> Float? {
        let x = aw / Self.waterMax * Double(Self.nw - 1), y = ab / Self.boneMax * Double(Self.nb - 1)
        guard x >= 0, y >= 0, x < Double(Self.nw - 1), y < Double(Self.nb - 1) else { return nil }
        let i = Int(x), j = Int(y)
        let fx = Float(x - Double(i)), fy = Float(y - Double(j))
        let k = j * Self.nw + i
        let top = logT[k] + (logT[k + 1] - logT[k]) * fx
        let bottom = logT[k + Self.nw] + (logT[k + Self.nw + 1] - logT[k + Self.nw]) * fx
        return expf(top + (bottom - top) * fy)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var tables: [[Double]: TransmissionTable] = [:]

    static func cached(_ spectrum: Spectrum) -> TransmissionTable {
        let key = spectrum.energiesKeV + spectrum.detectorWeights
        lock.lock(); defer { lock.unlock() }
        if let t = tables[key] { return t }
        let t = TransmissionTable(spectrum)
        tables[key] = t
        return t
    }
}
