import Foundation

/// A request body the API decodes strictly: a JSON object whose keys are all among `CodingKeys` — an unknown key
/// (`{"rotationDeg": 45}` for `rotateDeg`) or a value of the wrong type is refused with a 400 that names
/// the key and what is allowed, instead of being ignored.
public protocol StrictJSONBody: Decodable {
    associatedtype CodingKeys: CodingKey & CaseIterable
}

extension StrictJSONBody {
    /// The keys this body may hold, in declaration order.
    public static var allowedKeys: [String] { CodingKeys.allCases.map(\.stringValue) }

    /// Decodes `data`, or throws `SessionError.badRequest` with a sentence naming the offending key.
    public static func strictlyDecoded(from data: Data) throws -> Self {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw SessionError.badRequest("the request body is not JSON: send an object with keys among \(allowedKeys.joined(separator: ", "))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw SessionError.badRequest("the request body must be a JSON object with keys among \(allowedKeys.joined(separator: ", "))")
        }
        if let unknown = dictionary.keys.sorted().first(where: { !allowedKeys.contains($0) }) {
            throw SessionError.badRequest("unknown key '\(unknown)' in the request body: allowed \(allowedKeys.joined(separator: ", "))")
        }
        do { return try JSONDecoder().decode(Self.self, from: data) } catch let error as DecodingError {
            throw SessionError.badRequest(sentence(for: error))
        }
    }

    private static func sentence(for error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String { context.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .typeMismatch(let type, let context):
            return "key '\(path(context))' must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "key '\(path(context))' must be \(describe(type)), not null"
        case .keyNotFound(let key, _):
            return "key '\(key.stringValue)' is missing from the request body"
        case .dataCorrupted(let context):
            return "key '\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "the request body could not be read: \(error)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Optional<Double>.Type: return "a number"
        case is String.Type, is Optional<String>.Type: return "a string"
        default: return "of type \(type)"
        }
    }
}
