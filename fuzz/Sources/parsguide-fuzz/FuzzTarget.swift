import Anatomy
import DICOM
import Foundation
import Imaging
import Procedure
import WebAPI

/// One reader under the fuzzer: the bytes of a file go through the same code as `parsguide` reading it, and
/// whatever it accepts goes on to the steps that trapped on hostile values before (slicing, windowing,
/// geometry). A thrown error is a correct refusal; only a trap, a sanitizer report or a hang is a finding.
enum FuzzTarget: String, CaseIterable {
    case nifti, stl, obj, subjectJSON = "subject-json", planJSON = "plan-json", webJSON = "web-json", webRender = "web-render", dicom

    /// The target named by PARSGUIDE_FUZZ_TARGET, read once (a global: initialised on first use).
    static let chosen: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["PARSGUIDE_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("PARSGUIDE_FUZZ_TARGET is '\(name)': allowed \(allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return t
    }()

    /// The grid a plan is checked against: the default subject's (0.5 mm).
    static let planGrid = try! Grid(dimensions: SIMD3(681, 621, 669), spacingMm: Vector3(0.5, 0.5, 0.5), originMm: Vector3(-170, -167, -242))

    /// The web target's scene: the flagship subject at 2 mm voxels (the coarsest allowed; built once, ≈ 1 s),
    /// so that requests which pass decoding render quickly.
    static let webScene: SimulatorScene = {
        var options = PhantomOptions()
        options.voxelMm = 2
        return try! SimulatorScene(subject: LumbarPhantom.build(options))
    }()

    /// A fresh session per input: an input's effect never depends on the inputs before it. Its shots (and,
    /// in `web-render`, its frames) are 64 pixels with 16 scan lines, the page's 512 and 256 otherwise.
    /// `web-json` applies the bodies as the POST routes do — decoding, the session's checks and changes,
    /// the planner, the contrast, the DRR of a shot — without the ultrasound frame the page then GETs;
    /// `web-render` adds that frame after every request, which costs a new beam model for every new depth
    /// or focus (≈ 1 s instrumented), so it runs at a few inputs a second.
    static let webSession = try! RequestReplay(scene: webScene, framePixels: 64, lineCount: 16, rendersFrames: false)
    static let webRenderSession = try! RequestReplay(scene: webScene, framePixels: 64, lineCount: 16)

    /// The DICOM target's folder: two intact slices of the tiny CT series (../shared/data/pydicom-ct5n, from
    /// the repository root) beside which each input is written, so that a hostile header meets the series
    /// checks (sorting, spacing, orientation) as well as GDCM.
    static let dicomFolder: String = {
        let folder = NSTemporaryDirectory() + "parsguide-fuzz-dicom-\(getpid())"
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["2062", "2392"] {
            try! FileManager.default.copyItem(atPath: "../shared/data/pydicom-ct5n/\(name)", toPath: "\(folder)/\(name)")
        }
        return folder
    }()

    /// Builds what this target shares between inputs before the first one.
    func prepare() {
        if self == .webJSON { _ = Self.webSession }
        if self == .webRender { _ = Self.webRenderSession }
        if self == .dicom { _ = Self.dicomFolder }
    }

    func run(_ data: Data) {
        switch self {
        case .nifti:
            guard let image = try? NIfTI.decodeFile(data) else { return }
            if let labels = try? image.labels() { _ = labels.voxels.count }
            let volume = image.float32
            for plane in SlicePlane.allCases {
                guard let slice = try? VolumeSlice(volume, plane: plane, atMm: 0) else { continue }
                _ = GrayImage.windowed(slice.values, width: slice.width, height: slice.height, level: 40, window: 400)
            }
        case .stl:
            guard let mesh = try? STL.decode(data) else { return }
            _ = mesh.triangles.count
        case .obj:
            guard let mesh = try? OBJ.decode(data) else { return }
            _ = mesh.triangles.count
        case .subjectJSON:
            guard let document = try? SubjectDocument.decode(data) else { return }
            for name in document.landmarks.keys { _ = try? document.landmark(name) }
        case .planJSON:
            guard let plan = try? NeedlePlan.decode(data, within: Self.planGrid) else { return }
            _ = try? plan.probePose
        case .dicom:
            let path = "\(Self.dicomFolder)/input"
            guard FileManager.default.createFile(atPath: path, contents: data) else { return }
            if let header = try? DICOMFileHeader(path: path), header.isPlacedImage { _ = try? header.rescaledValues() }
            _ = try? DICOMSeries.read(folder: Self.dicomFolder)
        case .webJSON, .webRender:
            // The first line names the route (probe, needle, fluoro, contrast, save); the rest is the body.
            // Several requests may follow, separated by a line holding only "---", on one session.
            var replay = self == .webJSON ? Self.webSession : Self.webRenderSession
            for request in String(decoding: data, as: UTF8.self).components(separatedBy: "\n---\n").prefix(8) {
                let parts = request.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                guard let route = parts.first.flatMap({ RequestReplay.Route(rawValue: String($0)) }) else { return }
                try? replay.post(route, body: Data((parts.count > 1 ? parts[1] : "").utf8))
            }
        }
    }
}
