import ParsGuideCore

/// Imaging settings of a B-mode frame; defaults follow the issue (120 mm depth, 60 mm focus, 60 dB).
public struct BModeSettings: Hashable, Sendable {
    /// Imaging depth along each scan line from the array face, mm (20–250).
    public var depthMm = 120.0
    /// Transmit focal depth, mm.
    public var focusMm = 60.0
    /// Overall gain, dB, added before log compression; the default puts muscle speckle near mid-grey.
    public var gainDB = 10.0
    /// Displayed dynamic range, dB.
    public var dynamicRangeDB = 60.0
    /// Time-gain compensation, dB per cm of depth (amplitude, applied to the envelope). `nil`: compensate
    /// the mean (rms over the pulse's spectrum) two-way loss of muscle, 0.96 dB/cm/MHz per frequency (data
    /// sheet §4; `PulseEcho.rmsTransmission`). 0 leaves the raw attenuation visible.
    public var tgcDBPerCm: Double?
    /// Also undo the beam's diffraction in the TGC, as a sonographer sets the TGC sliders (or a scanner's
    /// automatic gain does) for an even image: a uniform medium's mean diffuse echo is then the same at
    /// every depth as at the transmit focus. Without it, the unfocused near field and the far field image
    /// 20–30 dB darker than the focal zone (the two-way focal gain of the model), and a bone surface a
    /// centimetre under the skin barely stands above the speckle of the image.
    public var compensatesDiffraction = true
    /// Number of scan lines across the array.
    public var lineCount = 256
    /// Transmit F-number: active transmit aperture = focus depth / F.
    public var transmitFNumber = 2.0
    /// Receive F-number of the dynamic receive focus: active receive aperture = depth / F.
    public var receiveFNumber = 1.7
    /// Rays across the elevation beam per scan line (odd).
    public var elevationRayCount = 5
    /// Ray-marching step in wavelengths (≤ 0.25, as the issue asks).
    public var stepWavelengths = 0.25
    /// Output image size, pixels.
    public var imageWidth = 512
    public var imageHeight = 512
    /// Show the probe's marker end (the −x end of the probe frame) on the image's left.
    public var markerOnLeft = true
    /// Seed of the world-fixed scatterer field (and of the receiver noise).
    public var seed: UInt64 = 1
    /// The receiver's electronic noise, added to every line before the TGC and log compression: its rms,
    /// dB relative to the echo of a perfect flat reflector at the transmit focus (the display's 0 dB).
    /// `nil`: no noise (point-target measurements). On a scanner a shadow shows the noise floor, lifted
    /// by the TGC: dark grey, never pure black, greyer with depth. Chosen, not measured, by looking: at
    /// −105 dB the shadow under the L5 pars view reads 17–23 of 255 at 30–60 mm (default gain, C5-2,
    /// 80 mm deep), 40 at 60–75 mm and 57 at 80–90 mm (where `BModeSimulator.noiseCeilingDB` holds it),
    /// against ≈ 114 for muscle speckle; −95 dB greyed the shadows to 52–61 at the pars, −80 dB buried
    /// the bone under noise.
    public var noiseFloorDB: Double? = -105
    /// Cycles of the transmitted sine burst at the centre frequency (`PulseEcho`). 1: the default of SIMUS
    /// (`param.TXnow`) and the two-half-cycle pulse of Verasonics' example scripts; more cycles lengthen the
    /// pulse (axial FWHM 0.34 mm at 1 cycle, 0.41 at 2, 0.61 at 3 for the C5-2v in water).
    public var excitationCycles = 1.0
    /// Echogenic structure inside soft tissue (`TissueTexture`): perimysium striations along the muscle
    /// fibres, septa in the subcutaneous fat, the sheath between two muscles. Off: uniform speckle of each
    /// tissue's mean grey (the physics tests' media).
    public var tissueTexture = true

    public init() {}

    /// Imaging depth: 20 mm (a shallow linear-array field) to 250 mm (the deepest a 2 MHz curvilinear
    /// images in adults); chosen.
    public static let depth = PhysicalParameter(name: "imaging depth", unit: "mm", range: 20...250)
    /// Transmit focus, 5 mm up to the deepest imaging depth; chosen. It may lie below a frame's depth (a point
    /// target's PSF is measured at a fixed 60 mm focus in frames 40 mm deep); the simulator's session keeps it
    /// within the frame, as a scanner's focal marker is.
    public static let focus = PhysicalParameter(name: "focus depth", unit: "mm", range: 5...depth.range.upperBound)
    /// Overall gain, ±60 dB; chosen (a scanner's dial spans a few tens of dB).
    public static let gain = PhysicalParameter(name: "gain", unit: "dB", range: -60...60)
    /// Receiver noise rms re a perfect reflector at the focus, −160…−20 dB; chosen (from far below any
    /// echo to louder than muscle speckle).
    public static let noiseFloor = PhysicalParameter(name: "noise floor", unit: "dB", range: -160...(-20))

    /// Displayed dynamic range: 10–120 dB; chosen (scanners offer about 30–100 dB).
    public static let dynamicRange = PhysicalParameter(name: "dynamic range", unit: "dB", range: 10...120)
    /// Time-gain compensation: 0–20 dB/cm; chosen (muscle's two-way loss at 5 MHz is ≈ 10 dB/cm).
    public static let tgc = PhysicalParameter(name: "TGC", unit: "dB/cm", range: 0...20)
    /// Scan lines per frame: 16–4096; chosen.
    public static let lineCount = PhysicalParameter(name: "line count", unit: "", range: 16...4096)

    /// Excitation: half a cycle to 8 cycles; chosen (scanners transmit 1–4 for B-mode, more for Doppler).
    public static let excitation = PhysicalParameter(name: "excitation", unit: "cycles", range: 0.5...8)

    public func validated() throws -> BModeSettings {
        try Self.excitation.checked(excitationCycles)
        try Self.depth.checked(depthMm)
        try Self.focus.checked(focusMm)
        try Self.gain.checked(gainDB)
        try Self.dynamicRange.checked(dynamicRangeDB)
        if let tgc = tgcDBPerCm { try Self.tgc.checked(tgc) }
        if let noise = noiseFloorDB { try Self.noiseFloor.checked(noise) }
        try Self.lineCount.checked(Double(lineCount))
        try PhysicalParameter.check("transmit F-number", transmitFNumber, in: 0.5...10, unit: "")
        try PhysicalParameter.check("receive F-number", receiveFNumber, in: 0.5...10, unit: "")
        let elevationRays = PhysicalParameter(name: "elevation rays", unit: "", range: 1...15)
        try elevationRays.checked(Double(elevationRayCount))
        guard elevationRayCount % 2 == 1 else {
            throw ParameterOutOfRange(parameter: PhysicalParameter(name: "elevation rays (must be odd)", unit: "", range: elevationRays.range),
                                      value: Double(elevationRayCount))
        }
        try PhysicalParameter.check("march step", stepWavelengths, in: 0.01...0.25, unit: "wavelengths")
        try PhysicalParameter.check("image width", Double(imageWidth), in: PixelSize.side.range, unit: PixelSize.side.unit)
        try PhysicalParameter.check("image height", Double(imageHeight), in: PixelSize.side.range, unit: PixelSize.side.unit)
        return self
    }
}
