import Devices

extension ScanGeometry {
    /// The scan lines a B-mode frame with `settings` fires.
    init(transducer: Transducer, settings: BModeSettings) {
        self.init(transducer: transducer, lineCount: settings.lineCount, depthMm: settings.depthMm, stepWavelengths: settings.stepWavelengths)
    }
}

extension FieldOfView {
    /// The part of the image plane a frame with `settings` shows.
    public init(transducer: Transducer, settings: BModeSettings) {
        self.init(transducer: transducer, lineCount: settings.lineCount, depthMm: settings.depthMm)
    }
}
