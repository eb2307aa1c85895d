/// The thickness of the imaged slice: how far out of the image plane (elevation, mm) a point still
/// echoes within 6 dB of the plane, at a depth — from the same two-way elevation field the simulator uses.
public struct ElevationSlice: Sendable {
    private let beam: BeamModel

    /// The beam model is the simulator's own, from its cache (computing one costs ≈ 0.25 s; every needle
    /// insertion asks for the slice).
    public init(transducer: Transducer, settings: BModeSettings) {
        beam = BModeSimulator.beamModel(transducer, settings)
    }

    /// The −6 dB half-width of the two-way elevation amplitude at `depthMm` (range from the face), mm.
    public func halfWidthMm(depthMm: Double) -> Double {
        let peak = beam.elevationAmplitude(offsetMm: 0, depthMm: depthMm)
        guard peak > 0 else { return 0 }
        let step = beam.elevationStepMm / 4
        var offset = 0.0
        while offset < Double(beam.elevationCount) * beam.elevationStepMm,
              beam.elevationAmplitude(offsetMm: offset + step, depthMm: depthMm) >= peak / 2 {
            offset += step
        }
        return offset
    }
}
