/// A voxel type that NIfTI-1 stores natively.
public protocol NIfTIScalar: Sendable {
    /// The NIfTI-1 `datatype` code (2 UInt8, 4 Int16, 16 Float32).
    static var niftiDatatype: Int16 { get }
    init(niftiConverting value: Double)
    var niftiDoubleValue: Double { get }
}

extension UInt8: NIfTIScalar {
    public static var niftiDatatype: Int16 { 2 }
    public init(niftiConverting v: Double) { self = UInt8(clamping: Int(v.rounded())) }
    public var niftiDoubleValue: Double { Double(self) }
}

extension Int16: NIfTIScalar {
    public static var niftiDatatype: Int16 { 4 }
    public init(niftiConverting v: Double) { self = Int16(clamping: Int(v.rounded())) }
    public var niftiDoubleValue: Double { Double(self) }
}

extension Float: NIfTIScalar {
    public static var niftiDatatype: Int16 { 16 }
    public init(niftiConverting v: Double) { self = Float(v) }
    public var niftiDoubleValue: Double { Double(self) }
}
