import Foundation

/// What is at a path, seen without following a symbolic link (`lstat`).
struct FileEntry {
    enum EntryType {
        case regular, directory, symbolicLink, fifo, device, socket, other

        var noun: String {
            switch self {
            case .regular: "a file"
            case .directory: "a folder"
            case .symbolicLink: "a symbolic link"
            case .fifo: "a FIFO (named pipe)"
            case .device: "a device"
            case .socket: "a socket"
            case .other: "a special file"
            }
        }
    }

    let type: EntryType
    let size: Int

    /// nil when nothing is at `path`.
    init?(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        size = Int(st.st_size)
        switch st.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFLNK: type = .symbolicLink
        case S_IFIFO: type = .fifo
        case S_IFCHR, S_IFBLK: type = .device
        case S_IFSOCK: type = .socket
        default: type = .other
        }
    }

    /// The first bytes of a regular file (up to 512), or nil when it cannot be read. Opened with
    /// O_NONBLOCK | O_NOFOLLOW so a FIFO or link swapped in meanwhile cannot block or redirect the read.
    static func prefix(of path: String, count: Int = 512) -> Data? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = read(fd, &buffer, count)
        return n < 0 ? nil : Data(buffer.prefix(n))
    }

    /// The canonical absolute path (symbolic links resolved), or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
