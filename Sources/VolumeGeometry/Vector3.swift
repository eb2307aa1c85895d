import Foundation

/// A point or direction in millimetres (world LPS unless a name says otherwise).
public typealias Vector3 = SIMD3<Double>

extension SIMD3 where Scalar == Double {
    @inlinable public func dot(_ o: Self) -> Double { x * o.x + y * o.y + z * o.z }

    @inlinable public func cross(_ o: Self) -> Self {
        Self(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x)
    }

    @inlinable public var length: Double { dot(self).squareRoot() }

    /// The unit vector along `self`; `self` must not be zero.
    @inlinable public var normalized: Self {
        let l = length
        precondition(l > 0, "cannot normalise a zero vector")
        return self / l
    }

    /// Rotates `self` about the unit `axis` by `angle` (Rodrigues' formula, right-hand rule).
    public func rotated(about axis: Self, by angle: Angle) -> Self {
        let c = cos(angle.radians), s = sin(angle.radians)
        return self * c + axis.cross(self) * s + axis * (axis.dot(self) * (1 - c))
    }
}

