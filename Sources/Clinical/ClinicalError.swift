/// A clinical value or registry request that cannot be accepted: the message names the value and what
/// is allowed.
public struct ClinicalError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
