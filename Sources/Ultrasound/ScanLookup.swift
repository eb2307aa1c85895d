import Foundation

/// Scan conversion: for each output pixel, the four neighbouring (line, sample) values and their
/// bilinear weights; pixels outside the scanned sector stay 0 (black).
struct ScanLookup: Sendable {
    let width: Int, height: Int
    /// Index of the (line, sample) at the pixel's lower corner, −1 outside the sector.
    let corner: SharedBuffer<Int32>
    let lineWeight: FloatBuffer
    let sampleWeight: FloatBuffer

    init(scan: ScanGeometry, geometry g: ImageGeometry) {
        width = g.width; height = g.height
        var corner = [Int32](repeating: -1, count: g.width * g.height)
        var lw = [Float](repeating: 0, count: g.width * g.height), sw = lw
        let lines = Double(scan.lineCount - 1), samples = Double(scan.sampleCount - 1)
        for row in 0..<g.height {
            for column in 0..<g.width {
                let (x, z) = g.probeXZ(column: Double(column), row: Double(row))
                let (f, depth) = scan.lineAndDepth(x: x, z: z)
                let s = depth / scan.stepMm
                guard f >= 0, f <= lines, s >= 0, s <= samples else { continue }
                let l0 = min(Int(f), scan.lineCount - 2), s0 = min(Int(s), scan.sampleCount - 2)
                let i = row * g.width + column
                corner[i] = Int32(l0 * scan.sampleCount + s0)
                lw[i] = Float(f - Double(l0)); sw[i] = Float(s - Double(s0))
            }
        }
        self.corner = SharedBuffer(corner)
        lineWeight = FloatBuffer(lw)
        sampleWeight = FloatBuffer(sw)
    }

    /// Bilinear resampling of lines [line][sample] into `output` (row-major pixels; 0 outside the sector).
    func resample(_ lines: FloatBuffer, into output: FloatBuffer, sampleCount ns: Int) {
        let chunks = 8, per = (corner.count + chunks - 1) / chunks
        let corner = corner, lw = lineWeight, sw = sampleWeight
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            for i in (c * per)..<min(corner.count, (c + 1) * per) {
                let k = Int(corner[i])
                guard k >= 0 else { output[i] = 0; continue }
                let a = lw[i], b = sw[i]
                let v0 = lines[k] * (1 - b) + lines[k + 1] * b
                let v1 = lines[k + ns] * (1 - b) + lines[k + ns + 1] * b
                output[i] = v0 * (1 - a) + v1 * a
            }
        }
    }
}
