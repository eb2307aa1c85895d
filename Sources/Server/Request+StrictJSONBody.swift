import Foundation
import Hummingbird
import WebAPI

extension Request {
    /// The body, at most the context's upload limit, decoded strictly as `T`.
    func strictlyDecode<T: StrictJSONBody>(_ type: T.Type, context: some RequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try T.strictlyDecoded(from: Data(buffer.readableBytesView))
    }
}
