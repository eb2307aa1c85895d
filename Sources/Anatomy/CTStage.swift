import Foundation

/// Stage 4 of the subject build: the synthetic CT, in the full grid.
///
/// Inputs: the body's labels (full grid), the spine grid's labels (for the vertebrae's and the sacrum's
/// cortical shells), the placed hip meshes (to find the ilium cheaply), the Hounsfield table, the sex and
/// the seed. Output: Hounsfield units on the labels' grid.
struct CTStage: SpineGridWork {
    let labels: Volume<UInt8>
    var spine: Volume<UInt8>
    let hipMeshes: [Side: TriangleMesh]
    let hounsfield: HounsfieldTable
    let sex: Sex
    let seed: UInt64
    /// The voxel size, mm.
    let h: Double

    init(body: SoftTissueStage.Output, hounsfield: HounsfieldTable, sex: Sex, seed: UInt64) {
        labels = body.labels
        spine = body.spine
        hipMeshes = body.placed.hipMeshes
        self.hounsfield = hounsfield
        self.sex = sex
        self.seed = seed
        h = body.voxelMm
    }


    func run() -> Volume<Int16> { synthesiseCT(labels: labels) }

    /// Hounsfield units per voxel: each label's value from `HounsfieldTable`; bone gets a cortical
    /// shell (voxels within `corticalShellMm` of non-bone) and a cancellous interior with a smooth
    /// seeded texture (value noise on a 1.5 mm lattice, SD ≈ the table's trabecular SD); soft tissue
    /// gets mild seeded white noise. Texture depends only on the seed and the voxel position.
    func synthesiseCT(labels: Volume<UInt8>) -> Volume<Int16> {
        // (See `HounsfieldTable.corticalBelowThicknessMm`: thin bone is cortical throughout.)
        let table = hounsfield
        let sex = self.sex
        // Cortical shell: distance from each bone voxel to the nearest voxel not of that bone.
        // The five bones' distance transforms are independent: run them on all cores.
        let boxes = IndexBox.boundingEach(spine)
        let bones = (SpinalLevel.modelled.map({ $0.tissue.rawValue }) + [Tissue.sacrum.rawValue])
            .compactMap { label in boxes[Int(label)].map { (label, $0.expanded(by: 2, within: grid)) } }
        let spineVoxels = spine.voxels, spineGrid = grid
        let shells = ResultSlots<[Float]>(count: bones.count), deep = ResultSlots<[Bool]>(count: bones.count)
        let thin = Float(table.corticalBelowThicknessMm / 2)
        DispatchQueue.concurrentPerform(iterations: bones.count) { b in
            let (label, region) = bones[b]
            let d = spineVoxels.withUnsafeBufferPointer { v in
                DistanceTransform.distancesMm(grid: spineGrid, box: region) { v[$0] != label }
            }
            shells[b] = d
            // Within `thin` (Euclidean) of a voxel deeper than `thin`: a ball, so the cancellous core has no
            // corners (a cube dilation here drew rectangles into every AP shot).
            deep[b] = DistanceTransform.distancesMm(grid: spineGrid, box: region, features: d.map { $0 >= thin }).map { $0 <= thin }
        }
        var cortical = [Bool](repeatingOnAllCores: false, count: spine.voxels.count)
        for (b, (label, region)) in bones.enumerated() {
            // Cortical: within the shell, or where no voxel of the bone within the thin radius lies deeper
            // than half the thin-bone thickness (the bone there is thinner than it).
            let d = shells[b]!, nearDeep = deep[b]!
            var n = 0
            forEachVoxel(in: region) { lin, _ in
                if spine.voxels[lin] == label && (Double(d[n]) <= table.corticalShellMm || !nearDeep[n]) { cortical[lin] = true }
                n += 1
            }
            shells[b] = nil; deep[b] = nil  // freed before the CT itself is allocated
        }
        let full = labels.grid
        let iliumIsCortex = iliumCortex(labels: labels, shellMm: table.corticalShellMm)
        let offset = SIMD3<Int>((grid.worldFromIndex.translation - full.worldFromIndex.translation) / h + 0.5, rounding: .down)
        let hu = (0..<256).map { table.hu(UInt8($0), sex: sex) }
        let seed = self.seed
        let nx = full.dimensions.x, ny = full.dimensions.y
        let sd = grid.dimensions
        let cell = 1.5 / h   // texture lattice, in voxels
        let softSD = table.softTissueTextureSD, boneSD = table.cancellousTextureSD
        let air = Int16(clamping: Self.roundedToInt(table.air))
        let ilium = Tissue.ilium.rawValue
        var ct = Volume<Int16>(grid: full, repeating: 0)
        labels.voxels.withUnsafeBufferPointer { lab in
            cortical.withUnsafeBufferPointer { cort in
                ct.voxels.withUnsafeMutableBufferPointer { buf in
                    let out = SharedVoxels(base: buf.baseAddress!)
                    let lab = SharedReadOnly(base: lab.baseAddress!), cort = SharedReadOnly(base: cort.baseAddress!)
                    forEachSlice(full.dimensions.z) { k in
                        for j in 0..<ny {
                            let row = nx * (j + ny * k)
                            for i in 0..<nx {
                                let l = lab.base[row + i]
                                if l == 0 { out.base[row + i] = air; continue }
                                var v: Double
                                if Tissue.isBone(l) {
                                    let si = i - offset.x, sj = j - offset.y
                                    let inSpine = si >= 0 && sj >= 0 && si < sd.x && sj < sd.y
                                    let isCortex = l == ilium ? iliumIsCortex(i, j, k)
                                        : inSpine && cort.base[si + sd.x * (sj + sd.y * k)]
                                    if isCortex {
                                        v = table.corticalBone + 0.1 * table.corticalBone * (unitHash(seed, i, j, k) - 0.5)
                                    } else {
                                        // Value noise: uniform corner values (SD 1/√12) blended with smoothstep
                                        // weights; the ×3 keeps the blended SD near `boneSD`.
                                        v = hu[Int(l)] + 3 * boneSD * (Self.cancellousNoise(seed, i, j, k, cellVoxels: cell) - 0.5)
                                    }
                                } else {
                                    // Triangular noise with the given SD: (u1 + u2 − 1) has variance 1/6.
                                    // One 53-bit hash split into two independent 26-bit uniforms.
                                    let r = unitHash(seed, i, j, k) * 67_108_864
                                    let whole = Double(Int(r))
                                    let u1 = whole / 67_108_864, u2 = r - whole
                                    v = hu[Int(l)] + softSD * 2.449_489_7 * (u1 + u2 - 1)
                                }
                                out.base[row + i] = Int16(clamping: Self.roundedToInt(v))
                            }
                        }
                    }
                }
            }
        }
        return ct
    }

    /// The cortex of the hip bones, which lie in the full grid only: ilium voxels within `shellMm` of
    /// non-ilium, by a chessboard distance (a separable dilation; the hip bones' boxes are too large for
    /// an exact distance transform on every build). The thin-bone rule of the vertebrae is not applied:
    /// with chessboard distances it draws rectangles into the iliac wing.
    func iliumCortex(labels: Volume<UInt8>, shellMm: Double) -> @Sendable (_ i: Int, _ j: Int, _ k: Int) -> Bool {
        let ilium = Tissue.ilium.rawValue
        let radius = max(1, Int((shellMm / h).rounded()))
        let boxes = hipMeshes.values.compactMap(\.bounds).map {
            IndexBox(grid: labels.grid, worldMin: Vector3($0.min) - 2 * h, worldMax: Vector3($0.max) + 2 * h)
        }.filter { !$0.isEmpty }
        let masks = ResultSlots<[Bool]>(count: boxes.count)
        DispatchQueue.concurrentPerform(iterations: boxes.count) { b in
            let box = boxes[b], size = box.size
            /// Calls `body(n, isIlium)` for every voxel of the box, n its box-local index.
            func forEachInBox(_ body: (Int, Bool) -> Void) {
                var n = 0
                for k in box.lower.z...box.upper.z {
                    for j in box.lower.y...box.upper.y {
                        var lin = labels.grid.linearIndex(box.lower.x, j, k)
                        for _ in box.lower.x...box.upper.x { body(n, labels.voxels[lin] == ilium); n += 1; lin += 1 }
                    }
                }
            }
            var outside = [Bool](repeatingOnAllCores: true, count: size.x * size.y * size.z)
            forEachInBox { n, isIlium in outside[n] = !isIlium }
            var cortex = Self.dilate(consume outside, size: size, radius: radius)
            forEachInBox { n, isIlium in if !isIlium { cortex[n] = false } }   // only ilium voxels are its cortex
            masks[b] = cortex
        }
        let regions = boxes.enumerated().map { ($1, masks[$0]!) }
        return { i, j, k in
            for (box, mask) in regions {
                let q = SIMD3(i, j, k) &- box.lower, size = box.size
                guard q.x >= 0, q.y >= 0, q.z >= 0, q.x < size.x, q.y < size.y, q.z < size.z else { continue }
                if mask[q.x + size.x * (q.y + size.y * q.z)] { return true }
            }
            return false
        }
    }

    /// `x` rounded half away from zero, without a libm call (x86-64's baseline has no rounding instruction).
    @inline(__always) static func roundedToInt(_ x: Double) -> Int {
        guard abs(x) < 1e15 else { return x < 0 ? Int(Int32.min) : Int(Int32.max) }
        return x >= 0 ? Int(x + 0.5) : -Int(-x + 0.5)
    }

    /// The cancellous texture at voxel (i, j, k): value noise on a lattice of `cellVoxels` voxels, turned
    /// (`textureFrame`) so that no lattice plane lies along the grid's axes. On an axis-aligned lattice the
    /// seams of the blend line up along every AP or lateral ray, and a shot shows them as a grid of lines
    /// 1.5 mm apart across every broad bone (the iliac wings above all).
    static func cancellousNoise(_ seed: UInt64, _ i: Int, _ j: Int, _ k: Int, cellVoxels: Double) -> Double {
        let p = SIMD3(Double(i), Double(j), Double(k)) / cellVoxels
        let r = textureFrame
        // The offset keeps every turned coordinate positive (grids are far below 10⁵ cells).
        return valueNoise(seed, (r.0 * p).sum() + 1e5, (r.1 * p).sum() + 1e5, (r.2 * p).sum() + 1e5)
    }

    /// Rows of a fixed rotation (Euler angles 17°, 29°, 41° about z, y, x; chosen: any turn that leaves no
    /// lattice axis near a grid axis).
    static let textureFrame: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) = {
        let (a, b, c) = (17.0 * .pi / 180, 29.0 * .pi / 180, 41.0 * .pi / 180)
        let (ca, sa, cb, sb, cc, sc) = (cos(a), sin(a), cos(b), sin(b), cos(c), sin(c))
        return (SIMD3(ca * cb, ca * sb * sc - sa * cc, ca * sb * cc + sa * sc),
                SIMD3(sa * cb, sa * sb * sc + ca * cc, sa * sb * cc - ca * sc),
                SIMD3(-sb, cb * sc, cb * cc))
    }()

    /// Value noise in [0, 1) on the non-negative integer lattice, blended with smoothstep weights (the blend
    /// has no kinks at the lattice planes).
    static func valueNoise(_ seed: UInt64, _ x: Double, _ y: Double, _ z: Double) -> Double {
        // Coordinates are non-negative, so truncation is the floor (and needs no libm call).
        let x0 = Int(x), y0 = Int(y), z0 = Int(z)
        func fade(_ t: Double) -> Double { t * t * (3 - 2 * t) }
        let fx = fade(x - Double(x0)), fy = fade(y - Double(y0)), fz = fade(z - Double(z0))
        func c(_ a: Int, _ b: Int, _ d: Int) -> Double { unitHash(seed &+ 7, x0 + a, y0 + b, z0 + d) }
        let x00 = c(0, 0, 0) + (c(1, 0, 0) - c(0, 0, 0)) * fx, x10 = c(0, 1, 0) + (c(1, 1, 0) - c(0, 1, 0)) * fx
        let x01 = c(0, 0, 1) + (c(1, 0, 1) - c(0, 0, 1)) * fx, x11 = c(0, 1, 1) + (c(1, 1, 1) - c(0, 1, 1)) * fx
        let y0v = x00 + (x10 - x00) * fy, y1v = x01 + (x11 - x01) * fy
        return y0v + (y1v - y0v) * fz
    }

    /// Whether any `true` lies within `radius` voxels along each axis (a separable cube dilation) of a
    /// box-local mask, x fastest. Every pass walks memory contiguously: along x by running counts in a row,
    /// along y and z by sliding a window of rows (slices) whose per-voxel counts are kept in one row (slice).
    static func dilate(_ mask: consuming [Bool], size: SIMD3<Int>, radius: Int) -> [Bool] {
        let nx = size.x, ny = size.y, nz = size.z, plane = nx * ny
        guard nx > 0, ny > 0, nz > 0 else { return mask }
        // Two buffers, read as bytes (a Bool is stored as 0 or 1).
        var a = mask
        var b = [Bool](repeating: false, count: a.count)
        a.withUnsafeMutableBufferPointer { a in a.withMemoryRebound(to: UInt8.self) { a in
            b.withUnsafeMutableBufferPointer { b in b.withMemoryRebound(to: UInt8.self) { b in
                // x: a → b, one row at a time.
                var line = [Int](repeating: 0, count: nx + 1)
                for row in 0..<(ny * nz) {
                    let base = row * nx
                    for i in 0..<nx { line[i + 1] = line[i] + Int(a[base + i]) }
                    for i in 0..<nx { b[base + i] = line[min(nx, i + radius + 1)] - line[max(0, i - radius)] > 0 ? 1 : 0 }
                }
                // y: b → a, and z: a → b, each by a sliding window of `count` lines `stride` apart.
                func slide(_ src: UnsafeMutableBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>,
                           lines count: Int, stride: Int, width: Int, outer: Int, outerStride: Int) {
                    var sum = [Int32](repeating: 0, count: width)
                    for o in 0..<outer {
                        let origin = o * outerStride
                        for i in 0..<width { sum[i] = 0 }
                        // The window around line 0: lines 0…radius.
                        for l in 0..<min(count, radius + 1) { for i in 0..<width { sum[i] += Int32(src[origin + l * stride + i]) } }
                        for l in 0..<count {
                            let out = origin + l * stride
                            for i in 0..<width { dst[out + i] = sum[i] > 0 ? 1 : 0 }
                            let enter = l + radius + 1, leave = l - radius
                            if enter < count { for i in 0..<width { sum[i] += Int32(src[origin + enter * stride + i]) } }
                            if leave >= 0 { for i in 0..<width { sum[i] -= Int32(src[origin + leave * stride + i]) } }
                        }
                    }
                }
                slide(b, a, lines: ny, stride: nx, width: nx, outer: nz, outerStride: plane)
                slide(a, b, lines: nz, stride: plane, width: plane, outer: 1, outerStride: 0)
            } }
        } }
        return b
    }
}
