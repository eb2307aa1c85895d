/// A mode given by name (a C-arm view, a probe view, a side): one parser and one error sentence for the CLI,
/// the web API and the library.
public protocol NamedChoice: RawRepresentable, CaseIterable where RawValue == String {
    /// How a sentence names the choice, e.g. "C-arm view".
    static var choiceName: String { get }
}

extension NamedChoice {
    /// The case named `text`, or `UnknownChoice` listing the allowed names.
    public static func parse(_ text: String) throws -> Self {
        guard let value = Self(rawValue: text) else {
            throw UnknownChoice(choiceName: choiceName, value: text, allowed: allCases.map(\.rawValue))
        }
        return value
    }
}

/// A name that is none of a choice's cases; the sentence names it and the allowed ones.
public struct UnknownChoice: Error, CustomStringConvertible, Equatable {
    public let choiceName: String
    public let value: String
    public let allowed: [String]

    public init(choiceName: String, value: String, allowed: [String]) {
        self.choiceName = choiceName
        self.value = value
        self.allowed = allowed
    }

    public var description: String { "unknown \(choiceName) '\(value)': allowed \(allowed.joined(separator: ", "))" }
}
