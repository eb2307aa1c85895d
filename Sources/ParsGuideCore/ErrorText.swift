import Foundation

/// Turns any error into the sentence a user reads: ParsGuide's own errors as they describe themselves,
/// Foundation's file errors as their localized description plus the system's reason (never a raw
/// `NSCocoaErrorDomain` dump).
public enum ErrorText {
    public static func sentence(_ error: Error) -> String {
        if let cocoa = error as? CocoaError {
            var text = cocoa.localizedDescription
            if let path = cocoa.filePath ?? cocoa.url?.path, !text.contains(path) { text += " (\(path))" }
            if let posix = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
                text += ": " + String(cString: strerror(Int32(posix.code)))
            }
            return text
        }
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return String(describing: error)
    }
}
