import Anatomy
import Devices
import Imaging
import Testing
@testable import Ultrasound

/// The frame as a scanner shows it: the marks lie where the image geometry puts their depths, and the
/// image between them is the frame's.
@Suite struct ScannerDisplayTests {
    @Test("Depth ticks at each centimetre's row, the focus triangle at the focus, the orientation dot on the marker's side, the image untouched")
    func marksWhereTheGeometrySays() throws {
        var settings = Media.settings(depthMm: 60)
        settings.focusMm = 40
        let volume = Media.block(depthMm: 60) { _ in Media.muscle }
        let sim = try BModeSimulator(settings: settings)
        let frame = sim.render(labels: volume, pose: Media.origin)
        let shown = frame.scannerDisplay(settings: settings, transducer: .c52)
        #expect(shown.width == frame.image.width && shown.height == frame.image.height)
        let grey = RGB(200, 200, 200), right = shown.width - 3
        for cm in 1...6 {
            let row = Int(frame.geometry.pixel(ofProbePoint: Vector3(0, 0, Double(cm) * 10)).row.rounded())
            guard row < shown.height else { continue }
            #expect((row - 1...row + 1).contains { shown[right, $0] == grey }, "no tick at \(cm) cm (row \(row))")
        }
        let focusRow = Int(frame.geometry.pixel(ofProbePoint: Vector3(0, 0, 40)).row.rounded())
        #expect((right - 30...right).contains { shown[$0, focusRow].r == 255 && shown[$0, focusRow].g == 210 }, "no focus mark at row \(focusRow)")
        #expect(shown[8, 8] == grey, "no orientation mark on the marker's (left) side")
        // The middle of the image is the frame's own grey.
        let c = (frame.image.width / 2, frame.image.height / 3)
        let v = frame.image.pixels[c.1 * frame.image.width + c.0]
        #expect(shown[c.0, c.1] == RGB(v, v, v))
    }
}
