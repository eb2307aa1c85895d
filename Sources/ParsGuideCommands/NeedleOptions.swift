import Anatomy
import Devices
import ArgumentParser
import Foundation
import ParsGuideCore

/// The needle flags shared by `ultrasound` and `fluoro`.
struct NeedleOptions: ParsableArguments {
    @Option(name: .customLong("needle-tip"), help: "Needle tip x,y,z (world LPS mm).")
    var tip: String?

    @Option(name: .customLong("needle-hub"), help: "Needle hub x,y,z (world LPS mm).")
    var hub: String?

    @Option(name: .customLong("needle-gauge"), help: "Needle gauge: 18, 20, 22 or 25.")
    var gauge: Int = 22

    func validate() throws {
        guard (tip == nil) == (hub == nil) else { throw ValidationError("give both --needle-tip and --needle-hub, or neither") }
        guard NeedleShaft.outerDiameterMmByGauge[gauge] != nil else {
            throw ValidationError("--needle-gauge \(gauge) is not known: allowed \(NeedleShaft.outerDiameterMmByGauge.keys.sorted().map(String.init).joined(separator: ", "))")
        }
    }

    /// The needle, or nil when no tip and hub were given.
    func shaft() throws -> NeedleShaft? {
        guard let tip, let hub else { return nil }
        return try NeedleShaft(tipMm: try parseVector(tip, flag: "--needle-tip"), hubMm: try parseVector(hub, flag: "--needle-hub"),
                               outerDiameterMm: NeedleShaft.outerDiameterMmByGauge[gauge]!)
    }
}

/// Pretty, key-sorted JSON for the commands' `--json` reports.
func prettyJSON<T: Encodable>(_ value: T) throws -> String {
    String(decoding: try prettyJSONData(value), as: UTF8.self)
}

func prettyJSONData<T: Encodable>(_ value: T) throws -> Data { try OutputFile.prettyJSON(value) }

/// Writes a value as pretty, key-sorted JSON to `path` (`OutputFile`'s rules).
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    try OutputFile.write(prettyJSONData(value), to: path, kind: .json)
}
