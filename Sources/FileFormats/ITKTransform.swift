/// ITK's text transform file (`.tfm`), which 3D Slicer loads as a linear transform.
public enum ITKTransform {
    /// The file for a rigid or affine `parentFromChild` (LPS mm), e.g. world ← probe. ITK files hold the
    /// resampling direction, child ← parent, so the inverse is written; Slicer shows the transform as given.
    public static func text(parentFromChild m: Matrix4) throws -> String {
        guard let inverse = m.affineInverse else { throw VolumeError.invalidGrid(reason: "the transform is singular") }
        let r = (0..<3).flatMap { row in (0..<3).map { inverse[row, $0] } }
        let t = (0..<3).map { inverse[$0, 3] }
        return """
        #Insight Transform File V1.0
        #Transform 0
        Transform: AffineTransform_double_3_3
        Parameters: \((r + t).map { String($0) }.joined(separator: " "))
        FixedParameters: 0 0 0

        """
    }
}
