import Anatomy

/// The collimator's two shutters across the detector rows: rows closed at the up edge and at the down
/// edge of the image. Closed rows receive no X-rays: they read a transmission of 0 and show as a fluoroscope
/// shows a collimator blade (black, or white in the radiograph convention).
public struct Shutters: Codable, Hashable, Sendable {
    /// Rows closed from the detector's up edge (row 0) and from its down edge.
    public var topRows: Int
    public var bottomRows: Int

    public static let open = Shutters(topRows: 0, bottomRows: 0)

    public init(topRows: Int, bottomRows: Int) {
        self.topRows = topRows
        self.bottomRows = bottomRows
    }

    public var isOpen: Bool { topRows == 0 && bottomRows == 0 }

    /// The share of a `pixels`-row detector left open (0–1).
    public func openFraction(pixels: Int) -> Double {
        Double(max(0, pixels - topRows - bottomRows)) / Double(max(1, pixels))
    }

    /// The closed rows of a `pixels`-row image, top first.
    public func closedRows(pixels: Int) -> [Int] {
        Array(0..<min(topRows, pixels)) + Array(max(min(topRows, pixels), pixels - bottomRows)..<pixels)
    }

    /// Closes the rows in `image`: transmission 0, line integral +∞, and records them in `image.shutters`.
    func close(_ image: inout DRRImage) {
        let n = image.width
        image.shutters = self
        for row in closedRows(pixels: n) {
            for i in (row * n)..<(row * n + n) { image.transmission[i] = 0; image.lineIntegral[i] = .infinity }
        }
    }
}

extension AttenuationVolume {
    /// A voxel denser than this is body where a ray leaves the modelled volume, as a material code
    /// (HU −900 + 1024; chosen: below lung, −850 HU, above a CT's air, −1000 ± noise).
    static let bodyCode: UInt16 = 124

    /// The shutters that keep `carm`'s image inside the modelled body: a ray that passes beyond the first
    /// or last of `slices` (k, along the scan axis: by default the volume's own ends) over a place where
    /// that slice holds body runs through tissue the model does not have, and the image would show a seam
    /// where the body stops. The innermost row holding such a ray on each half of the image is closed, with
    /// every row between it and the edge — the way an operator collimates to the region of interest.
    /// `Shutters.open` when no ray passes beyond the body.
    public func shutters(for carm: CArm, slices: ClosedRange<Int>? = nil) -> Shutters {
        let n = carm.pixels, d = grid.dimensions
        let toIndex = grid.indexFromWorld
        let source = toIndex.apply(carm.sourceMm)
        let first = max(0, slices?.lowerBound ?? 0), last = min(d.z - 1, slices?.upperBound ?? d.z - 1)
        // Each end: its plane (k), its slice, and the side of the plane beyond it (−1 below, +1 above).
        let ends: [(plane: Double, slice: Int, side: Double)] = [(Double(first) - 0.5, first, -1), (Double(last) + 0.5, last, 1)]
        /// Whether the segment source → `target` (index space) passes beyond an end over body in its slice:
        /// the part beyond the plane and over the grid's x–y extent, sampled every half voxel.
        func passesBeyondBody(_ target: Vector3) -> Bool {
            let v = target - source
            for end in ends {
                var lo = 0.0, hi = 1.0
                /// Keeps the t where a + b·t ≥ 0.
                func clip(_ a: Double, _ b: Double) {
                    if abs(b) < 1e-12 { if a < 0 { hi = -1 } } else if b > 0 { lo = max(lo, -a / b) } else { hi = min(hi, -a / b) }
                }
                clip(end.side * (source.z - end.plane), end.side * v.z)
                clip(source.x + 0.5, v.x); clip(Double(d.x) - 0.5 - source.x, -v.x)
                clip(source.y + 0.5, v.y); clip(Double(d.y) - 0.5 - source.y, -v.y)
                guard hi > lo else { continue }
                let steps = max(1, Int(((v * (hi - lo)).length / 0.5).rounded(.up)))
                for step in 0...steps {
                    let p = source + v * (lo + (hi - lo) * Double(step) / Double(steps))
                    let i = min(max(Int(p.x.rounded()), 0), d.x - 1), j = min(max(Int(p.y.rounded()), 0), d.y - 1)
                    if codes[i + d.x * (j + d.y * end.slice)] > Self.bodyCode { return true }
                }
            }
            return false
        }
        func rowPassesBeyond(_ row: Int) -> Bool {
            (0..<n).contains { passesBeyondBody(toIndex.apply(carm.detectorPoint(column: Double($0), row: Double(row)))) }
        }
        // From the middle outward, the first row that passes beyond sets each shutter.
        let top = stride(from: n / 2 - 1, through: 0, by: -1).first(where: rowPassesBeyond).map { $0 + 1 } ?? 0
        let bottom = (n / 2..<n).first(where: rowPassesBeyond).map { n - $0 } ?? 0
        return Shutters(topRows: top, bottomRows: bottom)
    }
}
