import Anatomy
import Devices
import Foundation
import Imaging

/// Shaded surface pictures of a labelled subject by ray casting its label volume.
///
/// Along each ray the volume is sampled every `stepVoxels` voxel (leaping 4³ blocks that hold nothing
/// drawn); where it enters a drawn structure the crossing is refined by bisection, and the normal is the
/// structure's mesh normal where `surfaces` hold one (a bone's own mesh, or one `SurfaceMeshes` made
/// from their labels; else the gradient of the structure's trilinearly
/// interpolated indicator), and the surface is lit by a headlight and a key light (Lambert + Blinn) with
/// an ambient-occlusion estimate from a few samples above the surface. Structures with opacity below 1 are
/// composited front to back; `translucentSide` draws that side's structures (relative to `midlineXMm`) at
/// a quarter of their opacity. Contrast (mg I/mL) is drawn as a magenta surface at `contrastThreshold`.
///
/// Rays are traced for every other pixel of every other row first; a pixel between traced neighbours
/// that composited the same structures at nearly the same depth and colour is their mean, any other is
/// traced (adaptive subsampling: about a third of the rays of a figure, for a mean difference of ≈ 0.1
/// level; `tracesEveryPixel` turns it off).
public struct SurfaceRenderer: Sendable {
    public let labels: Volume<UInt8>
    public var styles: [Tissue: StructureStyle] = StructureStyle.defaults
    public var translucentSide: Side?
    /// World x of the midline, mm (the spinous processes).
    public var midlineXMm = 0.0
    public var contrast: Volume<Float>?
    public var contrastThreshold: Float = 20
    public var overlays: [Overlay] = []
    /// The bones' own surfaces (`Subject.surfaces`): where given, bones are shaded from them.
    public var surfaces: SurfaceMeshes?
    /// A mesh entry stands for a voxel crossing from `meshLeadMm` before it to `meshReachMm` after it along
    /// the ray (chosen: at grazing incidence the voxels and the true surface part by millimetres along
    /// the ray; see `Scene.surface`).
    public static let meshLeadMm = 4.0
    public static let meshReachMm = 6.0
    public var stepVoxels = 0.9
    /// Trace every pixel instead of interpolating the pixels between traced neighbours that agree
    /// (`Sample.blend`; a reference for tests).
    public var tracesEveryPixel = false
    public var background = RGB(246, 246, 244)

    /// Which labels each block of `labels` holds (built from `labels` when not given: share one between
    /// renderers of the same volume, it reads every voxel).
    public let blocks: LabelBlocks

    public init(labels: Volume<UInt8>, blocks: LabelBlocks? = nil) {
        self.labels = labels
        self.blocks = blocks ?? LabelBlocks(labels: labels)
        precondition(self.blocks.voxelDimensions == labels.grid.dimensions, "the block index was built from another volume")
    }

    public func render(_ camera: Camera) -> RGBImage {
        let w = camera.width, h = camera.height
        let samples = UnsafeMutableBufferPointer<Sample>.allocate(capacity: w * h)
        defer { samples.deallocate() }
        let sink = Sink(base: samples.baseAddress!)
        labels.voxels.withUnsafeBufferPointer { voxels in
            let scene = Scene(self, voxels: Voxels(base: voxels.baseAddress!))
            @Sendable func trace(_ column: Int, _ row: Int, _ scratch: inout RayScratch) {
                let (o, d) = camera.ray(column: Double(column), row: Double(row))
                sink.base[row * w + column] = scene.shade(origin: o, direction: d, scratch: &scratch)
            }
            // Pass 1: every pixel of an even row and even column.
            DispatchQueue.concurrentPerform(iterations: (h + 1) / 2) { half in
                var scratch = RayScratch()
                for column in stride(from: 0, to: w, by: 2) { trace(column, 2 * half, &scratch) }
            }
            // Pass 2: the pixels between them, interpolated where the traced neighbours agree, else traced.
            DispatchQueue.concurrentPerform(iterations: h) { row in
                var scratch = RayScratch()
                let oddRow = row % 2 == 1
                for column in 0..<w where oddRow || column % 2 == 1 {
                    if tracesEveryPixel { trace(column, row, &scratch); continue }
                    let up = row - 1, down = row + 1, left = column - 1, right = column + 1
                    let s = sink.base
                    if !oddRow {
                        if right < w, let c = Sample.blend(s[row * w + left], s[row * w + right]) { s[row * w + column] = c; continue }
                    } else if down < h {
                        if column % 2 == 0 {
                            if let c = Sample.blend(s[up * w + column], s[down * w + column]) { s[row * w + column] = c; continue }
                        } else if right < w,
                                  let c = Sample.blend(s[up * w + left], s[up * w + right], s[down * w + left], s[down * w + right]) {
                            s[row * w + column] = c; continue
                        }
                    }
                    trace(column, row, &scratch)
                }
            }
        }
        var image = RGBImage(width: w, height: h, fill: background)
        image.pixels = samples.map(\.colour)
        return image
    }
}

/// One traced (or interpolated) pixel: its colour, what the ray composited (a hash of the labels and
/// overlays in order) and the depth of the first of them (mm along the ray; infinity for none).
struct Sample {
    var colour: RGB
    var signature: UInt64
    var depthMm: Double

    /// Neighbours that composited the same things, at depths within `depthToleranceMm`, with colours
    /// within `colourTolerance` levels, stand for the pixels between them (chosen: a 2-pixel gap, so a
    /// structure narrower than two pixels between traced neighbours is missed; the figures' pixels are
    /// 0.1–0.3 mm and the voxels 0.5 mm).
    static let depthToleranceMm = 1.0
    static let colourTolerance = 12

    /// The mean of two neighbours (`c`, `d` nil) or four when they agree, else nil.
    @inline(__always) static func blend(_ a: Sample, _ b: Sample, _ c: Sample? = nil, _ d: Sample? = nil) -> Sample? {
        var lo = a.rgb, hi = lo, sum = lo, count = 1
        var depthLo = a.depthMm, depthHi = a.depthMm
        for n in [b, c, d] {
            guard let n else { continue }
            guard n.signature == a.signature else { return nil }
            let rgb = n.rgb
            lo = pointwiseMin(lo, rgb); hi = pointwiseMax(hi, rgb); sum &+= rgb; count += 1
            depthLo = min(depthLo, n.depthMm); depthHi = max(depthHi, n.depthMm)
        }
        guard (hi &- lo).max() <= colourTolerance else { return nil }
        guard depthHi == depthLo || depthHi - depthLo <= depthToleranceMm else { return nil }
        let mean = (sum &* 2 &+ count) / (2 * count)  // rounded
        return Sample(colour: RGB(UInt8(mean.x), UInt8(mean.y), UInt8(mean.z)), signature: a.signature, depthMm: (depthLo + depthHi) / 2)
    }

    private var rgb: SIMD3<Int> { SIMD3(Int(colour.r), Int(colour.g), Int(colour.b)) }
}

extension SurfaceRenderer {
    /// For each ray (origin, unit direction), the first drawn structure it meets: where (world mm), its
    /// outward normal as shaded, and its label; nil when it meets none. (Picking, and the shading tests.)
    func firstSurfaces(_ rays: [(origin: Vector3, direction: Vector3)]) -> [(point: Vector3, normal: Vector3, label: UInt8)?] {
        labels.voxels.withUnsafeBufferPointer { voxels in
            let scene = Scene(self, voxels: Voxels(base: voxels.baseAddress!))
            let step = stepVoxels * scene.voxelMm
            let size = (labels.grid.spacingMm * Vector3(labels.grid.dimensions)).length
            return rays.map { o, d in
                let q0 = scene.indexFromWorld.apply(o), dq = scene.indexFromWorld.applyToDirection(d)
                let reach = size + (o - labels.grid.world(0, 0, 0)).length
                var t = 0.0, previous = scene.drawnAs[Int(scene.label(atIndex: q0))]
                while t < reach {
                    t += step
                    let label = scene.drawnAs[Int(scene.label(atIndex: q0 + dq * t))]
                    if label != previous, scene.opacity[Int(label)] > 0 {
                        if let (hit, n) = scene.surface(label, origin: o, direction: d, t: t, from: t - 2 * step) {
                            return (o + d * hit, n, label)
                        }
                    }
                    previous = label
                }
                return nil
            }
        }
    }
}

/// Space one ray leaves for the next of its row: its overlay hits.
struct RayScratch {
    var overlayHits: [Overlay.Hit] = []
    init() { overlayHits.reserveCapacity(8) }
}

private struct Sink: @unchecked Sendable { let base: UnsafeMutablePointer<Sample> }
/// The label voxels, valid for one render.
private struct Voxels: @unchecked Sendable { let base: UnsafePointer<UInt8> }

/// Per-render tables: opacity and colour per label, the occupancy of blocks, the grid's transforms.
private struct Scene: Sendable {
    let r: SurfaceRenderer
    let opacity: [Double]
    let colour: [SIMD3<Double>]
    /// Per label, the label a ray that samples it has entered: itself, or the drawn structure whose surface
    /// holds it (`SurfaceMeshes.solid`: the CSF is inside the thecal sac's surface, so a ray whose 0.9-voxel
    /// steps pass over the one-voxel dura and land in the CSF still meets the sac; without this they fell
    /// through it and a scatter of dots showed the disc behind).
    let drawnAs: [UInt8]
    /// Per block: 0 when it holds something drawn, else the chessboard distance (blocks) to one that does.
    let blockDistance: [UInt8]
    let blocks: SIMD3<Int>
    let n: SIMD3<Int>
    let indexFromWorld: Matrix4
    let voxelMm: Double
    /// How many voxels under a mesh entry `surface` looks for the structure's labels (`SurfaceMeshes.insideDepthMm`).
    let meshInsideVoxels: Int
    let voxels: Voxels
    static let block = LabelBlocks.block

    init(_ r: SurfaceRenderer, voxels: Voxels) {
        self.r = r
        self.voxels = voxels
        var opacity = [Double](repeating: 0, count: 256), colour = [SIMD3<Double>](repeating: .zero, count: 256)
        for (tissue, style) in r.styles {
            opacity[Int(tissue.rawValue)] = style.opacity
            colour[Int(tissue.rawValue)] = SIMD3(Double(style.colour.r), Double(style.colour.g), Double(style.colour.b)) / 255
        }
        self.opacity = opacity
        self.colour = colour
        var drawnAs = (0..<256).map { UInt8($0) }
        if let meshes = r.surfaces {
            for label in meshes.labels where opacity[Int(label)] > 0 {
                for other in 0..<256 where opacity[other] == 0 && meshes.solid(label, contains: UInt8(other)) { drawnAs[other] = label }
            }
        }
        self.drawnAs = drawnAs
        n = r.labels.grid.dimensions
        indexFromWorld = r.labels.grid.indexFromWorld
        voxelMm = r.labels.grid.spacingMm.min()
        meshInsideVoxels = max(1, Int(((r.surfaces?.insideDepthMm ?? 0) / voxelMm).rounded(.up)))
        let b = Self.block
        blocks = r.blocks.blocks
        // Blocks under the contrast volume are sampled too.
        var contrastBox: (lo: SIMD3<Int>, hi: SIMD3<Int>)?
        if let c = r.contrast {
            let g = c.grid.dimensions
            var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
            for corner in 0..<8 {
                let ci = Vector3(corner & 1 == 0 ? -0.5 : Double(g.x) - 0.5, corner & 2 == 0 ? -0.5 : Double(g.y) - 0.5, corner & 4 == 0 ? -0.5 : Double(g.z) - 0.5)
                let q = r.labels.grid.indexFromWorld.apply(c.grid.worldFromIndex.apply(ci))
                let bq = SIMD3(Int((q.x + 0.5) / Double(b)), Int((q.y + 0.5) / Double(b)), Int((q.z + 0.5) / Double(b)))
                lo = pointwiseMin(lo, bq); hi = pointwiseMax(hi, bq)
            }
            contrastBox = (pointwiseMax(lo, .zero), pointwiseMin(hi, blocks &- 1))
        }
        let drawn = LabelBlocks.mask((0..<256).filter { opacity[Int(drawnAs[$0])] > 0 }.map { UInt8($0) })
        blockDistance = r.blocks.distance(drawn: drawn, contrastBox: contrastBox)
    }

    @inline(__always) func label(atIndex q: Vector3) -> UInt8 {
        // Nearest voxel; outside (including q < −0.5) is air.
        guard q.x >= -0.5, q.y >= -0.5, q.z >= -0.5 else { return 0 }
        let i = Int(q.x + 0.5), j = Int(q.y + 0.5), k = Int(q.z + 0.5)
        guard i < n.x, j < n.y, k < n.z else { return 0 }
        return voxels.base[i &+ n.x &* (j &+ n.y &* k)]
    }

    /// Trilinear indicator of `label` at a continuous index point.
    func indicator(_ label: UInt8, _ q: Vector3) -> Double {
        guard abs(q.x) < 1e9, abs(q.y) < 1e9, abs(q.z) < 1e9 else { return 0 }
        // Floor without a libm call (x86-64's baseline has no rounding instruction).
        @inline(__always) func floor(_ x: Double) -> Int { let i = Int(x); return x < Double(i) ? i - 1 : i }
        let x0 = floor(q.x), y0 = floor(q.y), z0 = floor(q.z)
        let fx = q.x - Double(x0), fy = q.y - Double(y0), fz = q.z - Double(z0)
        let wx = (1 - fx, fx), wy = (1 - fy, fy), wz = (1 - fz, fz)
        var s = 0.0
        if x0 >= 0, y0 >= 0, z0 >= 0, x0 + 1 < n.x, y0 + 1 < n.y, z0 + 1 < n.z {
            // Inside: the eight corners with no bounds checks.
            let base = x0 + n.x * (y0 + n.y * z0), sy = n.x, sz = n.x * n.y
            let v = voxels.base
            if v[base] == label { s += wx.0 * wy.0 * wz.0 }
            if v[base + 1] == label { s += wx.1 * wy.0 * wz.0 }
            if v[base + sy] == label { s += wx.0 * wy.1 * wz.0 }
            if v[base + sy + 1] == label { s += wx.1 * wy.1 * wz.0 }
            if v[base + sz] == label { s += wx.0 * wy.0 * wz.1 }
            if v[base + sz + 1] == label { s += wx.1 * wy.0 * wz.1 }
            if v[base + sz + sy] == label { s += wx.0 * wy.1 * wz.1 }
            if v[base + sz + sy + 1] == label { s += wx.1 * wy.1 * wz.1 }
            return s
        }
        for dz in 0...1 { for dy in 0...1 { for dx in 0...1 {
            let i = x0 + dx, j = y0 + dy, k = z0 + dz
            guard i >= 0, j >= 0, k >= 0, i < n.x, j < n.y, k < n.z, voxels.base[i + n.x * (j + n.y * k)] == label else { continue }
            s += (dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy) * (dz == 1 ? fz : 1 - fz)
        } } }
        return s
    }

    /// Outward world normal of `label`'s surface at index point q.
    func normal(_ label: UInt8, _ q: Vector3) -> Vector3 {
        let g = Vector3(indicator(label, q + Vector3(1, 0, 0)) - indicator(label, q - Vector3(1, 0, 0)),
                        indicator(label, q + Vector3(0, 1, 0)) - indicator(label, q - Vector3(0, 1, 0)),
                        indicator(label, q + Vector3(0, 0, 1)) - indicator(label, q - Vector3(0, 0, 1)))
        let m = indexFromWorld
        // World gradient = Jᵀ g with J = ∂index/∂world.
        let c0 = Vector3(m[0, 0], m[0, 1], m[0, 2]), c1 = Vector3(m[1, 0], m[1, 1], m[1, 2]), c2 = Vector3(m[2, 0], m[2, 1], m[2, 2])
        let world: Vector3 = c0 * g.x + c1 * g.y + c2 * g.z
        return world.length > 1e-12 ? (world * -1).normalized : Vector3(0, 0, 1)
    }

    /// Where the ray o + t·d, having entered `label` between `from` and `t`, crosses its surface, and the
    /// outward normal there; nil when the crossing is not drawn. The crossing is refined to where the
    /// structure's trilinear indicator reaches ½. A structure with its own mesh (`SurfaceRenderer.surfaces`)
    /// is drawn where the ray enters the mesh, `meshLeadMm` before to `meshReachMm` after that, with the
    /// mesh's smooth normal — no voxel terraces — when the structure's solid (`SurfaceMeshes.solid`) lies within
    /// `SurfaceMeshes.insideDepthMm` under the entry (at least two voxels: a surface smoothed over a coarse
    /// scan's staircase strays from its labels by more than one in places, and each such pixel was a speck of
    /// voxel shading); when it does not (a pars defect carved under the surface), at the voxel crossing with the indicator's
    /// gradient (the cleft's walls); and not at all when the ray enters no mesh there (the half-voxel
    /// fringe of the labels outside the true surface, at grazing incidence).
    func surface(_ label: UInt8, origin o: Vector3, direction d: Vector3, t: Double, from start: Double) -> (t: Double, normal: Vector3)? {
        let q0 = indexFromWorld.apply(o), dq = indexFromWorld.applyToDirection(d)
        var lo = start, hi = t
        if indicator(label, q0 + dq * lo) < 0.5, indicator(label, q0 + dq * hi) >= 0.5 {
            for _ in 0..<7 {
                let mid = (lo + hi) / 2
                if indicator(label, q0 + dq * mid) >= 0.5 { hi = mid } else { lo = mid }
            }
        }
        guard let meshes = r.surfaces, meshes.has(label) else { return (hi, normal(label, q0 + dq * hi)) }
        guard let mesh = meshes.hit(label: label, origin: o, direction: d, tMin: hi - SurfaceRenderer.meshLeadMm,
                                    tMax: hi + SurfaceRenderer.meshReachMm) else { return nil }
        let entry = o + d * mesh.t
        for depth in 1...meshInsideVoxels where meshes.solid(label, contains: self.label(atIndex: indexFromWorld.apply(entry - mesh.normal * (Double(depth) * voxelMm)))) {
            return mesh
        }
        return (hi, normal(label, q0 + dq * hi))
    }

    @inline(__always) func opaqueAt(index q: Vector3) -> Bool { opacity[Int(label(atIndex: q))] >= 1 }

    func lit(_ base: SIMD3<Double>, normal nIn: Vector3, direction d: Vector3, at p: Vector3?) -> SIMD3<Double> {
        var n = nIn
        if n.dot(d) > 0 { n = n * -1 }
        let head = d * -1
        let key = (head + Vector3(0.3, 0.2, 0.6)).normalized
        let diffuse = 0.7 * max(0, n.dot(head)) + 0.35 * max(0, n.dot(key))
        let halfway = (key + head).normalized
        let h2 = max(0, n.dot(halfway)) * max(0, n.dot(halfway)), h8 = h2 * h2 * h2 * h2
        let specular = 0.25 * h8 * h8 * h8  // Blinn exponent 24
        var ao = 1.0
        if let p {
            // Occlusion: solid structures just above the surface (six probes, in index space) darken it.
            let t1 = (abs(n.x) < 0.9 ? Vector3(1, 0, 0) : Vector3(0, 1, 0)).cross(n).normalized, t2 = n.cross(t1)
            let q = indexFromWorld.apply(p)
            let up = indexFromWorld.applyToDirection(n), a = indexFromWorld.applyToDirection(t1 * 2), b = indexFromWorld.applyToDirection(t2 * 2)
            let up2 = up * 2
            var occluded = 0
            if opaqueAt(index: q + up2 + a) { occluded += 1 }
            if opaqueAt(index: q + up2 - a) { occluded += 1 }
            if opaqueAt(index: q + up2 + b) { occluded += 1 }
            if opaqueAt(index: q + up2 - b) { occluded += 1 }
            if opaqueAt(index: q + up * 3.5) { occluded += 1 }
            if opaqueAt(index: q + up * 6) { occluded += 1 }
            ao = 1 - 0.55 * Double(occluded) / 6
        }
        return base * (0.22 + diffuse) * ao + SIMD3(repeating: specular)
    }

    /// The colour of the ray o + t·d; `scratch` is kept between the rays of a row.
    func shade(origin o: Vector3, direction d: Vector3, scratch: inout RayScratch) -> Sample {
        scratch.overlayHits.removeAll(keepingCapacity: true)
        for (index, overlay) in r.overlays.enumerated() { overlay.appendHits(origin: o, direction: d, index: index, to: &scratch.overlayHits) }
        if scratch.overlayHits.count > 1 { scratch.overlayHits.sort { $0.t < $1.t } }
        var nextOverlay = 0
        var acc = SIMD3<Double>.zero, alpha = 0.0
        var signature: UInt64 = 0xcbf2_9ce4_8422_2325, firstDepth = Double.infinity
        /// `id`: the label, 256 + the overlay's index, or 512 for contrast; `t`: its depth, mm.
        func composite(_ c: SIMD3<Double>, _ a: Double, id: Int, t: Double) {
            acc += (1 - alpha) * a * c
            alpha += (1 - alpha) * a
            signature = (signature ^ UInt64(id)) &* 0x100_0000_01b3  // FNV-1a
            if firstDepth == .infinity { firstDepth = t }
        }
        func flushOverlays(before t: Double) {
            while nextOverlay < scratch.overlayHits.count, scratch.overlayHits[nextOverlay].t < t, alpha < 0.995 {
                let first = scratch.overlayHits[nextOverlay]
                let base = SIMD3(Double(first.colour.r), Double(first.colour.g), Double(first.colour.b)) / 255
                composite(first.lit ? lit(base, normal: first.normal, direction: d, at: nil) : base, first.alpha, id: 256 + first.overlay, t: first.t)
                nextOverlay += 1
            }
        }
        // The ray in index space, clipped to the volume.
        let q0 = indexFromWorld.apply(o), dq = indexFromWorld.applyToDirection(d)
        var tIn = 0.0, tOut = Double.infinity
        for a in 0..<3 {
            let lo = -0.5, hi = Double(n[a]) - 0.5
            if abs(dq[a]) < 1e-12 { if q0[a] < lo || q0[a] > hi { tOut = -1 }; continue }
            var t0 = (lo - q0[a]) / dq[a], t1 = (hi - q0[a]) / dq[a]
            if t0 > t1 { swap(&t0, &t1) }
            tIn = max(tIn, t0); tOut = min(tOut, t1)
        }
        let step = r.stepVoxels * voxelMm
        // Index units per mm along the ray's fastest axis.
        let maxSlope = max(abs(dq.x), max(abs(dq.y), abs(dq.z)))
        let contrastGrid = r.contrast.map { ($0, $0.grid.indexFromWorld) }
        if tIn < tOut {
            var t = tIn, previous: UInt8 = 0, inContrast = false
            while t < tOut, alpha < 0.98 {
                let q = q0 + dq * t
                // Empty block: leap to where the ray leaves it, plus the empty blocks around it.
                let bi = Int(q.x + 0.5) / Self.block, bj = Int(q.y + 0.5) / Self.block, bk = Int(q.z + 0.5) / Self.block
                if bi >= 0, bj >= 0, bk >= 0, bi < blocks.x, bj < blocks.y, bk < blocks.z {
                    let empty = Int(blockDistance[bi + blocks.x * (bj + blocks.y * bk)])
                    if empty > 0 {
                        // Where the ray leaves this block: the nearest of its three exit faces.
                        @inline(__always) func exitT(_ q0: Double, _ dq: Double, _ b: Int) -> Double {
                            guard abs(dq) > 1e-12 else { return .infinity }
                            return (Double(dq > 0 ? (b + 1) * Self.block : b * Self.block) - 0.5 - q0) / dq
                        }
                        let exit = min(exitT(q0.x, dq.x, bi), exitT(q0.y, dq.y, bj), exitT(q0.z, dq.z, bk))
                        t = max(t + step, exit + Double((empty - 1) * Self.block) / maxSlope + 1e-6)
                        previous = 0
                        continue
                    }
                }
                let label = drawnAs[Int(self.label(atIndex: q))]
                if label != previous, opacity[Int(label)] > 0 {
                    if let (hit, n) = surface(label, origin: o, direction: d, t: t, from: max(tIn, t - 2 * step)) {
                        let p = o + d * hit
                        flushOverlays(before: hit)
                        var a = opacity[Int(label)]
                        if let side = r.translucentSide, (p.x - r.midlineXMm) * side.sign > 0 { a *= 0.25 }
                        composite(lit(colour[Int(label)], normal: n, direction: d, at: p), a, id: Int(label), t: hit)
                    }
                }
                previous = label
                if let (volume, m) = contrastGrid {
                    let c = m.apply(o + d * t)
                    let i = Int(c.x.rounded()), j = Int(c.y.rounded()), k = Int(c.z.rounded())
                    let g = volume.grid.dimensions
                    let inside = i >= 0 && j >= 0 && k >= 0 && i < g.x && j < g.y && k < g.z && volume.voxels[i + g.x * (j + g.y * k)] >= r.contrastThreshold
                    if inside && !inContrast {
                        flushOverlays(before: t)
                        composite(lit(SIMD3(0.78, 0.16, 0.72), normal: d * -1, direction: d, at: nil), 0.85, id: 512, t: t)
                    }
                    inContrast = inside
                }
                t += step
            }
        }
        flushOverlays(before: .infinity)
        let bg = SIMD3(Double(r.background.r), Double(r.background.g), Double(r.background.b)) / 255
        let c = acc + (1 - alpha) * bg
        func byte(_ x: Double) -> UInt8 { UInt8(max(0, min(255, (x * 255).rounded()))) }
        return Sample(colour: RGB(byte(c.x), byte(c.y), byte(c.z)), signature: signature, depthMm: firstDepth)
    }
}
