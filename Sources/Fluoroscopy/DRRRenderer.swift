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
    public var width: Int { carm.pixels }
    public var height: Int { carm.pixels }
}

/// Digitally reconstructed radiographs: for each detector pixel the ray from the source is traversed
/// exactly through the CT (`VoxelTraversal`), accumulating water-equivalent and bone mass per area
/// (g/cm²), iodine from the contrast volume and steel along the needle's chord; the energy-integrating
/// detector then sees I/I₀ = Σ_E w(E)·exp(−Σ_m (μ/ρ)_m(E)·A_m). Beam hardening follows from the
/// physics. Rows are rendered in parallel; each pixel depends only on its own ray.
public struct DRRRenderer: Sendable {
    public let volume: AttenuationVolume
    /// Build running sums along the dominant axes on the first shot and walk rays in runs with them
    /// (`PrefixSums`): worth it for a session of many shots of one volume (≈ 0.3 s to build for a
    /// 512×512×133 CT), not for a single shot.
    public let session: Bool

    /// Whether packets of rays go through the vector kernel where the processor has it (tests turn it
    /// off to compare with the voxel walk).
    var vectorKernel = true
    /// Whether uniform blocks are crossed in one step; nil: when at least half the blocks holding
    /// material are uniform (tests force it either way).
    var crossBlocks: Bool?

    public init(volume: AttenuationVolume, session: Bool = false) {
        self.volume = volume
        self.session = session
    }

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
        // Each ray walks runs along its dominant index axis using that axis's running sums: find the
        // axes this shot needs and build (or reuse) their sums first.
        let m = volume.grid.indexFromWorld
        /// The dominant index axis of a ray, or nil when it crosses the other axes too often for runs
        /// to pay (more than one crossing per three voxels: then the plain walk is faster).
        // Runs pay only where they are long and their running sums stay small: measured on 2 cores,
        // 114 → 85 ms for the 512×512×133 CT (280 MB of sums), but 158 → 286 ms for the 0.5 mm subject
        // (1.8 GB of sums, where the scattered sum reads cost more than the voxels they skip).
        let sumBytes = 8 * volume.grid.voxelCount
        let runSlope = session && sumBytes <= 1 << 30 ? 0.35 : -1
        @Sendable func dominantAxis(_ d: Vector3) -> Int? {
            let q = m.applyToDirection(d)
            let a = abs(q.x), b = abs(q.y), c = abs(q.z)
            let axis = a >= b && a >= c ? 0 : (b >= c ? 1 : 2)
            return (a + b + c - max(a, max(b, c))) / max(a, max(b, c)) < runSlope ? axis : nil
        }
        var needed = Set<Int>()
        for row in 0..<(runSlope > 0 ? n : 0) { for column in 0..<n {
            if let axis = dominantAxis((carm.detectorPoint(column: Double(column), row: Double(row)) - source).normalized) { needed.insert(axis) }
        } }
        let tableName = mono ? "monochromatic" : "densities"
        let sums = (0..<3).map { axis in
            needed.contains(axis) && !empty
                ? volume.prefixSums.sums(codes: volume.codes, dimensions: volume.grid.dimensions, axis: axis, tableName: tableName, table: densityTable)
                : nil
        }
        // Blocks pay where most of the body is piecewise constant (a subject: 72 % of its 8³ blocks with
        // material are uniform; 158 → 100 ms for AP); in a CT whose every voxel carries noise they only
        // add steps (112 → 133 ms), so the plain walk serves it.
        let useBlocks = crossBlocks ?? (volume.blocks.uniformMaterialFraction >= 0.5)
        let blockDimensions = volume.blocks.dimensions
        let prefix = PrefixPointers(x: sums[0]?.sums, y: sums[1]?.sums, z: sums[2]?.sums)
        /// Σ ℓ·ρ (water, bone) in g·mm/cm³ along one ray, walked voxel by voxel.
        @Sendable func scalarMass(_ c: SharedPointers, _ d: Vector3, _ length: Double) -> SIMD2<Float> {
            if empty { return .zero }
            if let axis = dominantAxis(d), let p = prefix[axis] {
                return traversal.integrateRuns(start: source, direction: d, lengthMm: length, codes: c.codes,
                                               table: c.densities, prefix: UnsafePointer(p), axis: axis)
            } else if useBlocks {
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
        // Runs (session mode) serve the rays they were built for; every other ray goes in packets of 8
        // through the vector slab walk where the processor has it, one by one otherwise.
        let packets = vectorKernel && !empty && runSlope < 0
        volume.withPacketKernel(mono ? AttenuationVolume.relativeToWater : AttenuationVolume.materials, useBlocks: useBlocks) { kernel in
          let kernel = packets ? kernel : nil
          codes.withUnsafeBufferPointer { codes in
            densityTable.withUnsafeBufferPointer { densityTable in
                  volume.blocks.codes.withUnsafeBufferPointer { blocks in
                    let c = SharedPointers(codes: codes.baseAddress!, densities: UnsafeRawPointer(densityTable.baseAddress!).assumingMemoryBound(to: Float.self),
                                           blocks: blocks.baseAddress!)
                    // Square tiles of rays, not rows: neighbouring rays in both directions share the
                    // cache lines of the voxels they cross.
                    let tile = 16, tilesPerSide = (n + tile - 1) / tile, width = PacketKernel.width
                    DispatchQueue.concurrentPerform(iterations: tilesPerSide * tilesPerSide) { tileIndex in
                        let row0 = (tileIndex / tilesPerSide) * tile, column0 = (tileIndex % tilesPerSide) * tile
                        let columnEnd = min(column0 + tile, n)
                        var directions = [Vector3](repeating: .zero, count: width), lengths = [Double](repeating: 0, count: width)
                        var masses = [SIMD2<Float>](repeating: .zero, count: width)
                        for row in row0..<min(row0 + tile, n) {
                            var column = column0
                            while column < columnEnd {
                                let count = kernel != nil && columnEnd - column >= width ? width : 1
                                for l in 0..<count {
                                    let target = carm.detectorPoint(column: Double(column + l), row: Double(row))
                                    directions[l] = (target - source).normalized; lengths[l] = (target - source).length
                                }
                                let together = count == width && kernel!.integrate(source: source, directions: directions, lengthsMm: lengths, mass: &masses)
                                for l in 0..<count {
                                    // Σ ℓ·ρ in g/cm² (ℓ in mm → cm).
                                    let mass = (together ? masses[l] : scalarMass(c, directions[l], lengths[l])) / 10
                                    expose(row: row, column: column + l, directions[l], lengths[l], mass)
                                }
                                column += count
                            }
                        }
                    }
                  }
            }
          }
        }
        return DRRImage(carm: carm, transmission: Array(transmission), lineIntegral: Array(integral))
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

private struct PrefixPointers: @unchecked Sendable {
    let x: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>?, z: UnsafeMutablePointer<Float>?
    subscript(axis: Int) -> UnsafeMutablePointer<Float>? { axis == 0 ? x : (axis == 1 ? y : z) }
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
