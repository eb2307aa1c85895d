import Foundation

/// A subject folder on disk — written by `parsguide phantom`, `parsguide subject` or `parsguide case` — and
/// the one place its files are found, checked and read. Opening one reads only `subject.json` (and checks
/// that the labels are there), so a command can refuse a wrong folder before reading any volume.
public struct SubjectFolder: Sendable {
    public let directory: String
    public let document: SubjectDocument
    /// The bytes of `subject.json`, as read (a plan's fingerprint of its subject).
    public let documentBytes: Data

    /// Opens `directory`: its `subject.json` read and checked, its labels present.
    public init(directory: String) throws {
        let documentPath = (directory as NSString).appendingPathComponent(SubjectWriter.documentFile)
        guard let bytes = FileManager.default.contents(atPath: documentPath) else {
            throw AnatomyError.notASubjectFolder(directory: directory, reason: "\(SubjectWriter.documentFile) is missing (make one with `parsguide phantom --out \(directory)` or `parsguide subject --out \(directory)`)")
        }
        guard FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(SubjectWriter.labelsFile)) else {
            throw AnatomyError.notASubjectFolder(directory: directory, reason: "\(SubjectWriter.labelsFile) is missing beside \(SubjectWriter.documentFile)")
        }
        self.directory = directory
        document = try SubjectDocument.decode(bytes, path: documentPath)
        documentBytes = bytes
    }

    /// The named landmarks of `subject.json`, world LPS mm.
    public var landmarks: [String: Vector3] { document.landmarkPoints }

    /// The path of a file of the folder.
    public func path(_ file: String) -> String { (directory as NSString).appendingPathComponent(file) }

    /// `labels.nii.gz`.
    public func labels() throws -> Volume<UInt8> {
        try NIfTI.read(path: path(SubjectWriter.labelsFile)).labels(path: SubjectWriter.labelsFile)
    }

    /// `ct.nii.gz` and `labels.nii.gz`, read side by side.
    public func ctAndLabels() throws -> (ct: NIfTIImage, labels: Volume<UInt8>) {
        let images = try NIfTI.read(paths: [SubjectWriter.ctFile, SubjectWriter.labelsFile].map(path))
        return (images[0], try images[1].labels(path: SubjectWriter.labelsFile))
    }

    /// The bone surfaces `subject.json` lists (none for a folder written without them).
    public func surfaces() throws -> [UInt8: TriangleMesh] { try SubjectSurfaces.read(directory: directory, files: document.files) }
}
