import Devices
import Imaging
import ParsGuideCore

/// How a B-mode frame is shown: `plain`, the bare 8-bit image for analysis (its pixels are the frame's),
/// or `scanner`, as a scanner's screen shows it (`BModeFrame.scannerDisplay`: depth scale, focus marker,
/// orientation mark and readout). Issue 18 part 5: figures and the web page use `scanner`; the
/// `ultrasound` command writes `plain` unless asked (`--display scanner`).
public enum FrameDisplay: String, NamedChoice, Codable, Sendable {
    case plain, scanner
    public static let choiceName = "display"
    public init(from decoder: Decoder) throws { try self.init(namedFrom: decoder) }
}

extension BModeFrame {
    /// The frame shown as `display` asks, over `base` (the frame itself, or an annotated copy of it).
    public func shown(_ display: FrameDisplay, over base: RGBImage? = nil, settings: BModeSettings, transducer: Transducer) -> RGBImage {
        switch display {
        case .plain: return base ?? RGBImage(image)
        case .scanner: return scannerDisplay(over: base, settings: settings, transducer: transducer)
        }
    }
}
