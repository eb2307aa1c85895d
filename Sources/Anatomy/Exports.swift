// Anatomy is built on volumes and geometry (VolumeGeometry) and reads and writes their files (FileFormats);
// importing Anatomy brings both along.
@_exported import FileFormats
@_exported import VolumeGeometry

/// The errors of the anatomy and of the layers below it: one vocabulary (`VolumeError`).
public typealias AnatomyError = VolumeError
