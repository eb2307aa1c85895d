import Anatomy
import Foundation
import ParsGuideCore

/// An iodine-concentration volume (mg I/mL) as `parsguide inject` writes it, read and checked before any
/// shot or picture uses it: every voxel finite and within `concentration` (a NaN or infinite voxel made
/// every pixel of the shot NaN and trapped the display's conversion to bytes).
public enum IodineVolume {
    /// Iodine concentration a voxel may hold, mg I/mL: from none to above the most concentrated iodinated
    /// contrast sold (iohexol 350 mg I/mL); chosen.
    public static let concentration = PhysicalParameter(name: "iodine concentration", unit: "mg I/mL", range: 0...400)

    /// The volume at `path`, or an error naming the file, the first bad voxel and the allowed range.
    public static func read(path: String) throws -> Volume<Float> {
        let volume = try NIfTI.read(path: path).float32
        if let bad = volume.voxels.firstIndex(where: { !$0.isFinite || !concentration.range.contains(Double($0)) }) {
            let n = volume.grid.dimensions, i = bad % n.x, j = bad / n.x % n.y, k = bad / (n.x * n.y)
            throw FluoroscopyError.invalid("\(path): voxel (\(i), \(j), \(k)) holds \(volume.voxels[bad]) mg I/mL, not an iodine concentration: allowed \(concentration.allowedText)")
        }
        return volume
    }
}
