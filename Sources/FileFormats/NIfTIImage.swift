/// A 3D NIfTI image as loaded: the voxels keep the file's own type where ParsGuide supports it.
public enum NIfTIImage: Sendable {
    case uint8(Volume<UInt8>)
    case int16(Volume<Int16>)
    case float32(Volume<Float>)

    public var grid: Grid {
        switch self {
        case .uint8(let v): v.grid
        case .int16(let v): v.grid
        case .float32(let v): v.grid
        }
    }

    /// The voxels as UInt8 labels; values outside 0…255 are an error, not clamped.
    public func labels(path: String = "image") throws -> Volume<UInt8> {
        switch self {
        case .uint8(let v): return v
        case .int16(let v):
            guard let bad = v.voxels.first(where: { $0 < 0 || $0 > 255 }) else {
                return Volume(grid: v.grid, voxels: v.voxels.map { UInt8($0) })
            }
            throw VolumeError.corruptFile(path: path, reason: "label value \(bad) is outside 0–255")
        case .float32(let v):
            guard let bad = v.voxels.first(where: { $0 < 0 || $0 > 255 || $0 != $0.rounded() }) else {
                return Volume(grid: v.grid, voxels: v.voxels.map { UInt8($0) })
            }
            throw VolumeError.corruptFile(path: path, reason: "label value \(bad) is not an integer in 0–255")
        }
    }

    /// The voxels as Float32 (for CT in HU, whatever the file's type).
    public var float32: Volume<Float> {
        switch self {
        case .uint8(let v): Volume(grid: v.grid, voxels: v.voxels.map { Float($0) })
        case .int16(let v): Volume(grid: v.grid, voxels: v.voxels.map { Float($0) })
        case .float32(let v): v
        }
    }
}
