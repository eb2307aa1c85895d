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

    /// The shutters that keep `carm`'s image inside the modelled body: a ray that crosses the volume's
    /// first or last slice (its lowest or highest k, the body's ends along the scan axis) where that slice
    /// holds body would carry on through tissue the model does not have, and the image would show a seam
    /// where the body stops. Every row holding such a ray is closed, with every row between it and the
    /// nearer edge — the way an operator collimates to the region of interest. `Shutters.open` when no ray
    /// leaves through the body.
    public func shutters(for carm: CArm) -> Shutters {
        let n = carm.pixels, d = grid.dimensions
        let toIndex = grid.indexFromWorld
        let source = toIndex.apply(carm.sourceMm)
        let ends: [(plane: Double, slice: Int)] = [(-0.5, 0), (Double(d.z) - 0.5, d.z - 1)]
        func leavesThroughBody(_ target: Vector3) -> Bool {
            for end in ends {
                let a = source.z - end.plane, b = target.z - end.plane
                guard a * b < 0 else { continue }
                let t = a / (a - b)
                let p = source + (target - source) * t
                let i = Int(p.x.rounded()), j = Int(p.y.rounded())
                guard i >= 0, j >= 0, i < d.x, j < d.y else { continue }
                if codes[i + d.x * (j + d.y * end.slice)] > Self.bodyCode { return true }
            }
            return false
        }
        var top = 0, bottom = 0
        for row in 0..<n {
            let leaves = (0..<n).contains { column in
                leavesThroughBody(toIndex.apply(carm.detectorPoint(column: Double(column), row: Double(row))))
            }
            guard leaves else { continue }
            if row < n / 2 { top = max(top, row + 1) } else { bottom = max(bottom, n - row) }
        }
        return Shutters(topRows: top, bottomRows: bottom)
    }
}
