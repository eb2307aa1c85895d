/// The geometry of a voxel grid: its size and where its voxels sit in the world.
///
/// Index (i, j, k) is the voxel centre; i runs fastest in memory. `worldFromIndex` maps index
/// coordinates to world LPS millimetres (+x patient left, +y posterior, +z superior).
public struct Grid: Hashable, Sendable {
    /// Voxel counts along i, j, k.
    public var dimensions: SIMD3<Int>
    /// Maps (i, j, k, 1) to world LPS millimetres.
    public var worldFromIndex: Matrix4
    /// Maps world LPS millimetres to continuous index coordinates.
    public let indexFromWorld: Matrix4

    public init(dimensions: SIMD3<Int>, worldFromIndex: Matrix4) throws {
        guard dimensions.x > 0, dimensions.y > 0, dimensions.z > 0 else {
            throw VolumeError.invalidGrid(reason: "dimensions must be positive, got \(dimensions)")
        }
        guard worldFromIndex.flattened.allSatisfy(\.isFinite) else {
            throw VolumeError.invalidGrid(reason: "worldFromIndex holds a number that is not finite: \(worldFromIndex.flattened)")
        }
        guard let inverse = worldFromIndex.affineInverse, inverse.flattened.allSatisfy(\.isFinite) else {
            throw VolumeError.invalidGrid(reason: "worldFromIndex is singular")
        }
        self.dimensions = dimensions
        self.worldFromIndex = worldFromIndex
        self.indexFromWorld = inverse
    }

    /// An axis-aligned grid whose voxel (0,0,0) centre is at `originMm`.
    public init(dimensions: SIMD3<Int>, spacingMm: Vector3, originMm: Vector3) throws {
        guard spacingMm.x > 0, spacingMm.y > 0, spacingMm.z > 0 else {
            throw VolumeError.invalidGrid(reason: "spacing must be positive, got \(spacingMm) mm")
        }
        try self.init(dimensions: dimensions,
                      worldFromIndex: .scaleThenTranslate(spacing: spacingMm, origin: originMm))
    }

    public var voxelCount: Int { dimensions.x * dimensions.y * dimensions.z }

    /// Length of one step along each index axis, in millimetres.
    public var spacingMm: Vector3 {
        Vector3(worldFromIndex.column(0).length, worldFromIndex.column(1).length, worldFromIndex.column(2).length)
    }

    /// True when each index axis runs along +x, +y, +z of the world (no rotation or flip).
    public var isAxisAligned: Bool {
        let m = worldFromIndex
        return m[0, 1] == 0 && m[0, 2] == 0 && m[1, 0] == 0 && m[1, 2] == 0 && m[2, 0] == 0 && m[2, 1] == 0
            && m[0, 0] > 0 && m[1, 1] > 0 && m[2, 2] > 0
    }

    @inlinable public func linearIndex(_ i: Int, _ j: Int, _ k: Int) -> Int {
        i + dimensions.x * (j + dimensions.y * k)
    }

    /// The (i, j, k) of a linear index: the inverse of `linearIndex`.
    @inlinable public func index(ofLinear v: Int) -> SIMD3<Int> {
        SIMD3(v % dimensions.x, (v / dimensions.x) % dimensions.y, v / (dimensions.x * dimensions.y))
    }

    @inlinable public func contains(_ i: Int, _ j: Int, _ k: Int) -> Bool {
        i >= 0 && j >= 0 && k >= 0 && i < dimensions.x && j < dimensions.y && k < dimensions.z
    }

    public func world(_ i: Int, _ j: Int, _ k: Int) -> Vector3 {
        worldFromIndex.apply(Vector3(Double(i), Double(j), Double(k)))
    }

    /// The voxel whose centre is nearest to a world point, or `nil` outside the grid (also for a point
    /// that is not finite or lies absurdly far away).
    @inlinable public func nearestIndex(toWorld p: Vector3) -> SIMD3<Int>? {
        let c = indexFromWorld.apply(p)
        // Guard the Double → Int conversion: anything beyond 2³¹ voxels is outside every grid.
        guard c.x.magnitude < 2147483648, c.y.magnitude < 2147483648, c.z.magnitude < 2147483648 else { return nil }
        let i = Self.roundedHalfAway(c.x), j = Self.roundedHalfAway(c.y), k = Self.roundedHalfAway(c.z)
        return contains(i, j, k) ? SIMD3(i, j, k) : nil
    }

    /// `x` rounded half away from zero (|x| < 2³¹), without a libm call (x86-64's baseline has no rounding
    /// instruction): x − trunc(x) is exact, so this equals `Int(x.rounded(.toNearestOrAwayFromZero))`.
    @inlinable static func roundedHalfAway(_ x: Double) -> Int {
        let t = Int(x), f = x - Double(t)
        return f >= 0.5 ? t + 1 : f <= -0.5 ? t - 1 : t
    }
}
