import Anatomy
import Foundation

/// Where the scan lines are, in the probe frame (mm): line l starts on the array face at `origin(l)` and
/// runs along `direction(l)`; samples are `stepMm` apart along it.
package struct ScanGeometry: Sendable {
    package let transducer: Transducer
    package let lineCount: Int
    package let depthMm: Double
    package let stepMm: Double
    package let sampleCount: Int
    /// Convex: the angle of line 0 and the angle between lines, radians. Linear: unused.
    package let firstAngle: Double, angleStep: Double
    /// Linear: x of line 0 and the spacing, mm. Convex: unused.
    package let firstX: Double, xStep: Double

    /// `lineCount` lines from the face to `depthMm`, sampled every `stepWavelengths` wavelengths.
    package init(transducer: Transducer, lineCount: Int, depthMm: Double, stepWavelengths: Double) {
        self.transducer = transducer
        self.lineCount = lineCount
        self.depthMm = depthMm
        stepMm = transducer.wavelengthMm * stepWavelengths
        sampleCount = Int((depthMm / stepMm).rounded(.down)) + 1
        let n = Double(lineCount)
        if let r = transducer.radiusMm {
            let span = transducer.apertureMm / r
            angleStep = span / n
            firstAngle = -span / 2 + angleStep / 2
            firstX = 0; xStep = 0
        } else {
            xStep = transducer.apertureMm / n
            firstX = -transducer.apertureMm / 2 + xStep / 2
            firstAngle = 0; angleStep = 0
        }
    }

    package var radiusMm: Double? { transducer.radiusMm }

    package func angle(_ l: Int) -> Double { firstAngle + Double(l) * angleStep }

    package func origin(_ l: Int) -> Vector3 {
        if let r = radiusMm {
            let a = angle(l)
            return Vector3(r * sin(a), 0, -r * (1 - cos(a)))
        }
        return Vector3(firstX + Double(l) * xStep, 0, 0)
    }

    package func direction(_ l: Int) -> Vector3 {
        if radiusMm != nil { let a = angle(l); return Vector3(sin(a), 0, cos(a)) }
        return Vector3(0, 0, 1)
    }

    /// The in-plane unit vector across line l, toward increasing l.
    package func across(_ l: Int) -> Vector3 {
        if radiusMm != nil { let a = angle(l); return Vector3(cos(a), 0, -sin(a)) }
        return Vector3(1, 0, 0)
    }

    /// Distance between neighbouring lines at a depth, mm.
    package func lineSpacingMm(depthMm z: Double) -> Double {
        if let r = radiusMm { return angleStep * (r + z) }
        return xStep
    }

    /// Fractional line index and depth along the line of a probe-frame point in the image plane (y
    /// ignored); nil outside the scanned sector's lines.
    package func lineAndDepth(x: Double, z: Double) -> (line: Double, depthMm: Double) {
        if let r = radiusMm {
            let a = atan2(x, z + r)
            return ((a - firstAngle) / angleStep, ((x * x + (z + r) * (z + r)).squareRoot()) - r)
        }
        return ((x - firstX) / xStep, z)
    }

    /// Probe-frame extent of the scanned region in the image plane: x range and z range, mm.
    package var extentMm: (xMin: Double, xMax: Double, zMin: Double, zMax: Double) {
        if let r = radiusMm {
            let half = -firstAngle + angleStep / 2
            let xHalf = (r + depthMm) * sin(half)
            return (-xHalf, xHalf, -r * (1 - cos(half)), depthMm)
        }
        return (-transducer.apertureMm / 2, transducer.apertureMm / 2, 0, depthMm)
    }
}
