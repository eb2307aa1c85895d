/// A web request the session refuses: 400 (`badRequest`) or 404 (`notFound`) at the HTTP edge, with the message.
public enum SessionError: Error {
    case badRequest(String)
    case notFound(String)
}
