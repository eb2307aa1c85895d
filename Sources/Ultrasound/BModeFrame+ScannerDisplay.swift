import Anatomy
import Devices
import Imaging

extension BModeFrame {
    /// The frame as a scanner shows it (issue 18): a depth scale down the right edge (a tick each
    /// centimetre along the central beam, longer and numbered every 2 cm), the transmit focus as a
    /// triangle beside it, the orientation mark (a dot) at the top on the probe marker's side, and a readout
    /// of probe, frequency, depth, gain and dynamic range at the bottom left. Drawn over `base` (the frame
    /// itself, or an annotated copy of it at the same size); the frame's pixels are not changed.
    public func scannerDisplay(over base: RGBImage? = nil, settings: BModeSettings, transducer: Transducer) -> RGBImage {
        var out = base ?? RGBImage(image)
        let scale = max(1, min(out.width, out.height) / 256)
        let colour = RGB(200, 200, 200), focusColour = RGB(255, 210, 60)
        let right = Double(out.width - 2 - scale)
        func row(depthMm: Double) -> Double { geometry.pixel(ofProbePoint: Vector3(0, 0, depthMm)).row }
        // Depth scale: 1 cm ticks, every second one longer and numbered in cm.
        for cm in 0...Int(settings.depthMm / 10) {
            let y = row(depthMm: Double(cm) * 10)
            guard y >= 0, y < Double(out.height) else { continue }
            let long = cm % 2 == 0
            out.drawLine(from: (right - Double((long ? 8 : 4) * scale), y), to: (right, y), colour: colour, thickness: scale)
            if long && cm > 0 {
                let label = "\(cm)"
                out.drawText(label, x: Int(right) - 10 * scale - RGBImage.textWidth(label, scale: scale), y: Int(y) - 3 * scale,
                             colour: colour, scale: scale)
            }
        }
        // The transmit focus: a triangle pointing at the scale.
        let fy = row(depthMm: settings.focusMm), fx = right - Double(22 * scale)
        if fy >= 0, fy < Double(out.height) {
            for d in 0...(4 * scale) {
                out.drawLine(from: (fx + Double(d), fy - Double(4 * scale - d)), to: (fx + Double(d), fy + Double(4 * scale - d)), colour: focusColour)
            }
        }
        // Orientation mark: a filled dot at the top corner on the marker's side.
        let mx = settings.markerOnLeft ? Double(8 * scale) : Double(out.width - 8 * scale)
        for r in stride(from: 0.5, through: Double(3 * scale), by: 0.5) {
            out.drawCircle(centre: (mx, Double(8 * scale)), radius: r, colour: colour)
        }
        // Readout.
        let lines = [String(format: "%@ %.1f MHZ", transducer.name.uppercased(), transducer.centreFrequencyMHz),
                     String(format: "D %.0f MM  G %.0f DB  DR %.0f", settings.depthMm, settings.gainDB, settings.dynamicRangeDB)]
        for (n, line) in lines.enumerated() {
            out.drawText(line, x: 4 * scale, y: out.height - (lines.count - n) * 10 * scale, colour: colour, scale: scale)
        }
        return out
    }
}
