/// A mode given by name (a C-arm view, a probe view, a side, a level, a sex): one parser and one error
/// sentence for the CLI, the web API (as a JSON string) and the library. Names are matched without regard
/// to case, everywhere (`--side LEFT` and `--side left` are the same side in every command).
public protocol NamedChoice: RawRepresentable, CaseIterable where RawValue == String {
    /// How a sentence names the choice, e.g. "C-arm view".
    static var choiceName: String { get }
    /// The cases a user may name (all of them unless a choice narrows it: a level is L1–L5, never S1).
    static var choices: [Self] { get }
}

extension NamedChoice {
    public static var choices: [Self] { Array(allCases) }

    /// The case named `text` (any case), or `UnknownChoice` listing the allowed names.
    public static func parse(_ text: String) throws -> Self {
        let wanted = text.lowercased()
        guard let value = choices.first(where: { $0.rawValue.lowercased() == wanted }) else {
            throw UnknownChoice(choiceName: choiceName, value: text, allowed: choices.map(\.rawValue))
        }
        return value
    }

    /// Decodes the choice from a JSON string through `parse`: an unknown name is refused with parse's
    /// sentence (which the web API returns as its 400), not the decoder's generic one.
    public init(namedFrom decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Self.parse(text) } catch let unknown as UnknownChoice {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: unknown.description)
        }
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
