import ParsGuideCore
/// One axis-aligned plane of a volume, laid out for display (row 0 at the top).
///
/// Radiological display: sagittal — columns anterior → posterior, rows superior → inferior;
/// axial — columns patient right → left, rows anterior → posterior; coronal — columns right → left,
/// rows superior → inferior.
public enum SlicePlane: String, Sendable, CaseIterable { case sagittal, axial, coronal }

public struct VolumeSlice<Element: Sendable>: Sendable {

    public let width: Int
    public let height: Int
    public var values: [Element]

    /// Extracts the slice nearest to `atMm` along the plane's normal (x, z or y in world LPS).
    public init(_ volume: Volume<Element>, plane: SlicePlane, atMm: Double) throws {
        let g = volume.grid
        guard g.isAxisAligned else {
            throw VolumeError.invalidGrid(reason: "slicing needs an axis-aligned grid (this one is rotated or flipped)")
        }
        let axis = plane == .sagittal ? 0 : (plane == .coronal ? 1 : 2)
        var probe = g.worldFromIndex.translation
        probe[axis] = atMm
        let at = g.indexFromWorld.apply(probe)[axis].rounded()
        let index = at.isFinite && abs(at) < 1e9 ? Int(at) : -1  // a degenerate grid places nothing
        guard index >= 0, index < g.dimensions[axis] else {
            let lo = g.world(0, 0, 0)[axis], hi = g.world(g.dimensions.x - 1, g.dimensions.y - 1, g.dimensions.z - 1)[axis]
            guard lo.isFinite, hi.isFinite else {
                throw VolumeError.invalidGrid(reason: "the grid's extent along the slice's normal is not finite (\(lo)…\(hi) mm): its spacing or origin is out of range")
            }
            throw ParameterOutOfRange(parameter: PhysicalParameter(name: "slice position", unit: "mm", range: min(lo, hi)...max(lo, hi)), value: atMm)
        }
        let d = g.dimensions
        switch plane {
        case .sagittal:
            width = d.y; height = d.z
            values = (0..<(d.y * d.z)).map { n in volume[index, n % d.y, d.z - 1 - n / d.y] }
        case .axial:
            width = d.x; height = d.y
            values = (0..<(d.x * d.y)).map { n in volume[n % d.x, n / d.x, index] }
        case .coronal:
            width = d.x; height = d.z
            values = (0..<(d.x * d.z)).map { n in volume[n % d.x, index, d.z - 1 - n / d.x] }
        }
    }
}
