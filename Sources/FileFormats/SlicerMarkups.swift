import Foundation

/// 3D Slicer's markups files (`.mrk.json`, schema v1.0.3): named points and lines in LPS millimetres.
public enum SlicerMarkups {
    public static let schema = "https://raw.githubusercontent.com/slicer/slicer/master/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json#"

    /// A point list (Slicer's "Fiducial" markup): each point labelled.
    public static func points(name: String, _ points: [(label: String, positionMm: Vector3)]) throws -> Data {
        try document(type: "Fiducial", name: name, points)
    }

    /// A line between two points.
    public static func line(name: String, from a: (label: String, positionMm: Vector3), to b: (label: String, positionMm: Vector3)) throws -> Data {
        try document(type: "Line", name: name, [a, b])
    }

    static func document(type: String, name: String, _ points: [(label: String, positionMm: Vector3)]) throws -> Data {
        let controlPoints: [[String: Any]] = points.enumerated().map { n, p in
            ["id": String(n + 1), "label": p.label, "position": [p.positionMm.x, p.positionMm.y, p.positionMm.z],
             "selected": true, "locked": true, "visibility": true, "positionStatus": "defined"]
        }
        let markup: [String: Any] = ["type": type, "name": name, "coordinateSystem": "LPS", "coordinateUnits": "mm",
                                     "locked": true, "controlPoints": controlPoints]
        return try JSONSerialization.data(withJSONObject: ["@schema": schema, "markups": [markup]], options: [.prettyPrinted, .sortedKeys])
    }
}
