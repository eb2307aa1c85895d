import Foundation
import Testing
@testable import FileFormats
import VolumeGeometry

/// 3D Slicer's files: the segmentation NRRD, markups JSON and ITK transform.
@Suite struct SlicerFilesTests {
    @Test("A segmentation NRRD states LPS, the grid moved by the offset, each segment, and holds the voxels in one gzip member")
    func segmentation() throws {
        let grid = try Grid(dimensions: SIMD3(3, 2, 2), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(10, 20, 30))
        let labels = Volume<UInt8>(grid: grid, voxels: [0, 24, 24, 0, 0, 0, 0, 109, 0, 0, 0, 24])
        let data = try SegmentationNRRD.encode(labels, segments: [.init(name: "L5", labelValue: 24, colour: SIMD3(1, 0.5, 0)),
                                                                  .init(name: "pars defect", labelValue: 109, colour: SIMD3(1, 0, 1))],
                                               offsetMm: Vector3(-3, 0, 0))
        let split = try #require(data.range(of: Data("\n\n".utf8)))
        let header = String(decoding: data[..<split.lowerBound], as: UTF8.self)
        #expect(header.contains("space: left-posterior-superior") && header.contains("sizes: 3 2 2"))
        #expect(header.contains("space origin: (7.0,20.0,30.0)") && header.contains("space directions: (0.5,0.0,0.0) (0.0,0.5,0.0) (0.0,0.0,0.5)"))
        #expect(header.contains("Segment0_Name:=L5") && header.contains("Segment0_LabelValue:=24") && header.contains("Segment1_Name:=pars defect"))
        #expect(header.contains("Segment0_Extent:=1 2 0 1 0 1") && header.contains("Segment1_Extent:=1 1 0 0 1 1"))
        let payload = try Gzip.decompress(Data(data[split.upperBound...]))
        #expect([UInt8](payload) == labels.voxels)
    }

    @Test("Markups: a point list and a line in LPS mm with labelled control points")
    func markups() throws {
        let data = try SlicerMarkups.line(name: "path", from: ("entry", Vector3(1, 2, 3)), to: ("target", Vector3(4, 5, 6)))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((doc["@schema"] as? String)?.contains("markups-schema-v1.0.3") == true)
        let markup = try #require((doc["markups"] as? [[String: Any]])?.first)
        #expect(markup["type"] as? String == "Line" && markup["coordinateSystem"] as? String == "LPS")
        let points = try #require(markup["controlPoints"] as? [[String: Any]])
        #expect(points.map { $0["label"] as? String } == ["entry", "target"])
        #expect(points[1]["position"] as? [Double] == [4, 5, 6])
    }

    @Test("An ITK transform file holds the inverse of the parent-from-child transform")
    func itkTransform() throws {
        // 90° about z, then 10 mm along x: a child point (1, 0, 0) lands at (10, 1, 0).
        let m = Matrix4(rows: [SIMD4(0, -1, 0, 10), SIMD4(1, 0, 0, 0), SIMD4(0, 0, 1, 0), SIMD4(0, 0, 0, 1)])
        let text = try ITKTransform.text(parentFromChild: m)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Parameters:") })
        let p = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        #expect(p.count == 12)
        // The inverse maps (10, 1, 0) back to (1, 0, 0).
        let x = Vector3(10, 1, 0)
        let back = Vector3(p[0] * x.x + p[1] * x.y + p[2] * x.z + p[9], p[3] * x.x + p[4] * x.y + p[5] * x.z + p[10], p[6] * x.x + p[7] * x.y + p[8] * x.z + p[11])
        #expect((back - Vector3(1, 0, 0)).length < 1e-12)
    }
}
