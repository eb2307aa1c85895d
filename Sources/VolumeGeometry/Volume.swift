/// A scalar field on a `Grid`: one value per voxel, i fastest, copy-on-write storage.
public struct Volume<Element: Sendable>: Sendable {
    public var grid: Grid
    public var voxels: [Element]

    public init(grid: Grid, repeating value: Element) {
        self.grid = grid
        self.voxels = [Element](repeatingOnAllCores: value, count: grid.voxelCount)
    }

    public init(grid: Grid, voxels: [Element]) {
        precondition(voxels.count == grid.voxelCount, "voxel count \(voxels.count) ≠ grid size \(grid.voxelCount)")
        self.grid = grid
        self.voxels = voxels
    }

    @inlinable public subscript(i: Int, j: Int, k: Int) -> Element {
        get { voxels[grid.linearIndex(i, j, k)] }
        set { voxels[grid.linearIndex(i, j, k)] = newValue }
    }

    /// The value at the voxel nearest to a world point, or `nil` outside the grid.
    @inlinable public func value(nearestTo p: Vector3) -> Element? {
        guard let ijk = grid.nearestIndex(toWorld: p) else { return nil }
        return self[ijk.x, ijk.y, ijk.z]
    }
}
