import Anatomy
import Foundation

/// The echogenic structure inside soft tissue that speckle alone lacks (issue 18 part 4), as a world-fixed,
/// seeded gain on each tissue's diffuse backscatter amplitude.
///
/// Muscle is hypoechoic with echogenic perimysium — the connective-tissue septa between fascicles — seen
/// as oblique parallel stripes along the fibres in a longitudinal view and as dots or short lines across
/// them ("starry sky"); subcutaneous fat is hypoechoic with thin echogenic septa running parallel to the
/// skin (Lee JC et al., AJR 2004;182:341–351; Rumack, Diagnostic Ultrasound, 5th ed., ch. 23).
///
/// One periodic tile (`tileSize`² pixels of `pixelMm`, 102.4 mm a side) holds short sheets' cross-sections:
/// segments `segmentLengthMm` long at uniformly random angles (so the texture is isotropic across the
/// fibres), with a Gaussian thickness profile. Muscle reads it at (u, v) = (x, y + z·tan `pennationDeg`) in world
/// LPS mm, so the septa are extruded along the fibres — craniocaudal (+z) in the paraspinal muscles — and
/// tilt by the pennation angle in a sagittal view. Fat reads it at u along the horizontal diagonal
/// (x + z)/√2 stretched `fatStretch` times and v = y: sheets parallel to a posterior skin, several
/// millimetres long in any vertical view. Each class maps the tile t ∈ [0, 1] to a gain a + b·t whose mean
/// square over the tile is 1, so the tissue's mean backscatter (its grey level) is unchanged and only its
/// structure is added.
struct TissueTexture: Sendable {
    /// Tile side, pixels (a power of two: lookups wrap with a mask), and its pixel, mm.
    static let tileSize = 1024, pixelMm = 0.1
    /// Septum cross-sections: length range, mm; Gaussian thickness σ, mm; and the share of the tile they
    /// cover (t > ½). Chosen, by looking at clinical images of the paraspinal muscles (stripes a few
    /// millimetres apart, thinner than the axial resolution; dots and short lines across the fibres).
    static let segmentLengthMm = 1.0...3.0, thicknessSigmaMm = 0.1, coverage = 0.07
    /// Fibre angle to the craniocaudal axis in a sagittal plane, degrees (chosen: the lumbar multifidus'
    /// fascicles run a few degrees off the spine's axis).
    static let pennationDeg = 8.0
    /// Fat septa: how much longer than the muscle's stripes, along the skin (6–18 mm septa, most of them
    /// within a few degrees of the skin's plane).
    static let fatStretch = 6.0
    /// Septum over background backscatter power, dB: muscle's perimysium and fat's septa (chosen, by
    /// looking: stripes that show through speckle without drowning it).
    static let muscleContrastDB = 15.0, fatContrastDB = 15.0

    /// t ∈ [0, 1] per tile pixel in 255ths (1 MB: the march reads it at random, so it should stay in cache), row
    /// v, column u.
    let tile: SharedBuffer<UInt8>
    /// Per label: texture kind (0 none, 1 muscle fibres, 2 fat septa) and the gain a + b·t (b per 255th).
    let kind: SharedBuffer<UInt8>
    let offset: FloatBuffer, slope: FloatBuffer

    init(seed: UInt64) {
        let t = Self.makeTile(seed: seed)
        tile = SharedBuffer(t.pointer.map { UInt8(($0 * 255).rounded()) })
        let kind = SharedBuffer<UInt8>(count: 256)
        offset = FloatBuffer(count: 256); slope = FloatBuffer(count: 256)
        let muscleGain = Self.gain(tile, contrastDB: Self.muscleContrastDB)
        let fatGain = Self.gain(tile, contrastDB: Self.fatContrastDB)
        for label in 0..<256 {
            offset[label] = 1
            if Tissue.isMuscle(UInt8(label)) {
                kind[label] = 1; offset[label] = muscleGain.a; slope[label] = muscleGain.b
            } else if label == Tissue.subcutaneousFat.rawValue {
                kind[label] = 2; offset[label] = fatGain.a; slope[label] = fatGain.b
            }
        }
        self.kind = kind
    }

    /// The tile pixel a textured label reads at a world point (LPS mm); the gain is offset + slope·t there.
    @inline(__always) static func tileIndex(kind k: UInt8, worldMm p: Vector3) -> Int {
        let u: Double, v: Double
        if k == 1 {
            u = p.x; v = p.y + p.z * tanPennation
        } else {
            // Offset (arbitrary, mm) so that fat reads other sheets than muscle at the same point.
            u = (p.x + p.z) * (0.5.squareRoot() / fatStretch) + 37.3; v = p.y + 51.1
        }
        let mask = tileSize - 1
        return (floorInt(v * (1 / pixelMm)) & mask) * tileSize + (floorInt(u * (1 / pixelMm)) & mask)
    }

    static let tanPennation = tan(pennationDeg * .pi / 180)

    /// a + b·t with (a + 255b)² / a² = the contrast and mean (a + b·t)² over the tile = 1.
    static func gain(_ tile: SharedBuffer<UInt8>, contrastDB: Double) -> (a: Float, b: Float) {
        let ratio = pow(10, contrastDB / 20) - 1   // b / a
        var meanSquare = 0.0
        for t in tile.pointer { let m = 1 + ratio * Double(t) / 255; meanSquare += m * m }
        let a = 1 / (meanSquare / Double(tile.count)).squareRoot()
        return (Float(a), Float(a * ratio / 255))
    }

    /// Draws segments at seeded random places until `coverage` of the tile lies above ½.
    static func makeTile(seed: UInt64) -> FloatBuffer {
        let n = tileSize, tile = FloatBuffer(count: n * n)
        // The k-th segment's i-th random number: a pure function of the seed (`unitHash`).
        func unit(_ k: Int, _ i: Int) -> Double { unitHash(seed, k, i, 0x7E57) }
        let sigma = thicknessSigmaMm / pixelMm, reach = Int((3 * sigma).rounded(.up))
        var covered = 0, k = 0
        while Double(covered) < coverage * Double(n * n) {
            let cx = unit(k, 0) * Double(n), cy = unit(k, 1) * Double(n)
            let length = (segmentLengthMm.lowerBound + unit(k, 2) * (segmentLengthMm.upperBound - segmentLengthMm.lowerBound)) / pixelMm
            let angle = unit(k, 3) * .pi
            k += 1
            let dx = cos(angle), dy = sin(angle), h = length / 2
            let x0 = Int((cx - abs(dx) * h).rounded(.down)) - reach, x1 = Int((cx + abs(dx) * h).rounded(.up)) + reach
            let y0 = Int((cy - abs(dy) * h).rounded(.down)) - reach, y1 = Int((cy + abs(dy) * h).rounded(.up)) + reach
            for y in y0...y1 {
                for x in x0...x1 {
                    // Distance from the pixel centre to the segment.
                    let px = Double(x) + 0.5 - cx, py = Double(y) + 0.5 - cy
                    let along = min(max(px * dx + py * dy, -h), h)
                    let ex = px - along * dx, ey = py - along * dy
                    let t = Float(exp(-(ex * ex + ey * ey) / (2 * sigma * sigma)))
                    let index = (y & (n - 1)) * n + (x & (n - 1))
                    if t > tile[index] {
                        if tile[index] <= 0.5, t > 0.5 { covered += 1 }
                        tile[index] = t
                    }
                }
            }
        }
        return tile
    }
}
