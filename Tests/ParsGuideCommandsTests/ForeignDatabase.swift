import GRDB

/// A SQLite database that is not ParsGuide's, for tests that check it is left as it was.
enum ForeignDatabase {
    /// Creates `path` with one table `notes`; returns its table names.
    static func make(at path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('precious');") }
        try queue.close()
        return try tables(at: path)
    }

    static func tables(at path: String) throws -> [String] {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
    }
}
