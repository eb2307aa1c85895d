import Anatomy
import Devices
import Clinical
import Fluoroscopy
import Foundation
import Illustration
import Imaging
import ParsGuideCore
import Procedure
import Report
import Ultrasound

/// The whole published case, end to end: subject → ultrasound views → plans → rehearsal → contrast →
/// fluoroscopy → 3D illustrations → registry → CARE report — a library call, so a program runs the case
/// without the command line (`parsguide case` parses its options, calls `run()` and prints).
public struct PublishedCase {
    public struct Options: Sendable {
        public var out = "case-report"
        /// nil: `out/parsguide.sqlite`, made afresh.
        public var db: String?
        public var seed: UInt64 = 1
        public var heightCm = 177.0, weightKg = 74.0, ageYears = 51.0
        public var sex: Sex = .male
        public var defects = "L5-left,L5-right"
        public var level = SpinalLevel.l5
        public var voxelMm = 0.5
        /// Side of every square figure panel, pixels.
        public var panelPixels = 512

        public init() {}
    }

    /// The published case's outcome and examination (the mission's record).
    public static let baselineODI = 17, followUpODI = 10, perceivedChange = "80–90 %", followUpMonths = 3
    public static let dates = (baseline: "2025-01-06", procedure: "2025-01-13", followUp: "2025-04-14")

    public let options: Options
    /// Where the case goes: checked before the run, written whole at its end.
    public let folder: OutputFolder
    /// Told each step as it starts: "[ n/10  t s] what".
    public let progress: (String) -> Void

    /// `folder` defaults to `options.out`, which must then be new or empty.
    public init(options: Options, folder: OutputFolder? = nil, progress: @escaping (String) -> Void) throws {
        self.options = options
        self.folder = try folder ?? OutputFolder(options.out, command: "case", force: false)
        self.progress = progress
    }

    /// Runs the case into `folder` and moves it into place. Returns the record and what the folder
    /// replaced (a sentence), if anything.
    public func run() throws -> (record: CaseRecord, replaced: String?) {
        let o = options
        let dir = try folder.begin()
        let clock = ContinuousClock(), start = clock.now
        var stage = 0
        func step(_ what: String) {
            stage += 1
            let s = (clock.now - start).components
            progress(String(format: "[%2d/10 %5.1f s] %@", stage, Double(s.seconds) + Double(s.attoseconds) * 1e-18, what))
        }
        let figures = (dir as NSString).appendingPathComponent("figures")
        try FileManager.default.createDirectory(atPath: figures, withIntermediateDirectories: true)
        let p = o.panelPixels

        step("building the subject (\(o.voxelMm) mm voxels)")
        var phantom = PhantomOptions()
        phantom.habitus = try Habitus(heightCm: o.heightCm, weightKg: o.weightKg, sex: o.sex, ageYears: o.ageYears)
        phantom.defects = try ParsDefect.parseList(o.defects)
        phantom.voxelMm = o.voxelMm
        phantom.seed = o.seed
        let subject = try LumbarPhantom.build(phantom.validated())
        // What every step shares: the subject for planning, its DRR volume, the bones' surfaces and blocks.
        let scene = try ProcedureScene(subject: subject, directory: o.out)
        let planning = scene.planning
        try OutputFile.write(planning.document.encoded(), to: (dir as NSString).appendingPathComponent("subject.json"), kind: .json)
        let labels = subject.labels, landmarks = subject.landmarks
        let level = o.level

        step("planning both in-plane approaches")
        let sides: [Side] = [.left, .right]
        let plans = try sides.map { try InPlanePlanner().plan(planning, target: "\(level.rawValue)-\($0.rawValue)") }
        let left = plans[0], right = plans[1]

        step("rehearsing both insertions")
        let rehearsals = try plans.map { try Insertion.rehearse($0, on: planning, stepMm: 2) }

        step("ultrasound: sagittal facets and the rotated pars view")
        var settings = BModeSettings()
        settings.imageWidth = p; settings.imageHeight = p; settings.seed = o.seed
        // 80 mm deep, as a sonographer sets it for the lumbar facets and pars (≈ 25–45 mm under the pressed
        // probe; chosen): the default 120 mm would spend the lower half of each panel on bone shadow.
        settings.depthMm = 80
        settings = try settings.validated()
        let simulator = try BModeSimulator(transducer: .c52, settings: settings)
        let sagittal = try ProbeView.sagittalFacets.pose(level: level, side: .left, labels: labels, landmarks: landmarks)
        let sagittalFrame = simulator.render(labels: labels, pose: sagittal)
        try PNG.write(sagittalFrame.image, to: "\(figures)/fig1a.png")
        let leftShaft = try left.needle.shaft(tipMm: left.targetPoint, direction: left.unitDirection)
        let rightShaft = try right.needle.shaft(tipMm: right.targetPoint, direction: right.unitDirection)
        let obliquePose = try left.probePose
        let obliqueFrame = simulator.render(labels: labels, pose: obliquePose, needle: leftShaft)
        let located = StructureLocator.locate(frame: obliqueFrame, labels: labels, landmarks: landmarks, level: level, side: .left,
                                              depthMm: settings.depthMm, transducer: .c52, lineCount: settings.lineCount,
                                              dynamicRangeDB: settings.dynamicRangeDB)
        try PNG.write(obliqueFrame.annotated(located), to: "\(figures)/fig1c.png")
        let needle = NeedleVisibility(with: obliqueFrame, without: simulator.render(labels: labels, pose: obliquePose), needle: leftShaft)
        // The rehearsal of the left approach as an animated PNG (a frame every 4 mm, and the last).
        var small = settings
        small.imageWidth = min(p, 320); small.imageHeight = min(p, 320)
        let last = rehearsals[0].steps.count - 1
        let film = try RehearsalFilm.frames(of: rehearsals[0], plan: left, simulator: try BModeSimulator(transducer: .c52, settings: small.validated()),
                                            keep: { $0.index % 2 == 1 || $0.index == last })
        try APNG.write(film, delayMs: 300, to: "\(figures)/insertion-left.png")

        step("contrast: iohexol at the left target")
        let contrast = try ContrastSpread.inject(labels: labels, tipMm: left.targetPoint, volumeMl: 0.3)

        step("fluoroscopy: AP, left oblique, lateral with contrast, AP with the right needle")
        let body = landmarks["\(level.rawValue).bodyCentre"] ?? left.targetPoint
        let shots: [(id: String, view: CArm.View, iso: Vector3, needle: NeedleShaft, iodine: Bool)] = [
            ("fig2a", .ap, body, leftShaft, false), ("fig2c", .obliqueLeft, left.targetPoint, leftShaft, false),
            ("fig2e", .lateral, body, leftShaft, true), ("fig2g", .ap, body, rightShaft, true),
        ]
        var ledger = DoseLedger()
        var taken: [String: FluoroShot] = [:]
        for shot in shots {
            let carm = try CArm(isocentreMm: shot.iso, sourceDirection: shot.view.sourceDirection(), pixels: p)
            let shotTaken = try scene.fluoro.shoot(carm, needle: shot.needle, contrast: shot.iodine ? contrast.concentration : nil)
            ledger.record(shotTaken.dose)
            try PNG.write(FluoroscopyDisplay.image(shotTaken.image), to: "\(figures)/\(shot.id).png")
            taken[shot.id] = shotTaken
        }
        // What the shots show: where each needle tip projects against its defect (nil: no defect on that
        // side), and whether the oblique shows the left cleft as a lucent band.
        let defects = try sides.map { side in
            try landmarks[Subject.parsLandmarkName(level: level, side: side)].flatMap {
                try DefectLucency(shot: taken["fig2c"]!, volume: scene.fluoro.volume, labels: labels, parsMm: $0)
            }
        }
        func tipPlacement(_ id: String, _ shaft: NeedleShaft, side: Side) -> String {
            guard let defect = defects[side == .left ? 0 : 1],
                  let mm = taken[id]!.carm.projectedSeparationMm(shaft.tipMm, defect.centreMm) else {
                return "the needle at the \(side.rawValue) \(level.rawValue) pars"
            }
            return String(format: "the needle tip projects %.0f mm from the centre of the %@ %@ pars defect", mm, side.rawValue, level.rawValue)
        }

        step("3D illustrations of every view")
        let midline = landmarks["\(level.rawValue).spinousProcessTip"]?.x ?? 0
        func illustrate(_ id: String, camera: Camera, overlays: [Overlay], iodine: Bool = false, translucent: Side? = nil,
                        translucentPelvis: Bool = false) throws {
            var r = SurfaceRenderer(labels: labels, blocks: scene.blocks)
            r.surfaces = scene.surfaces
            if translucentPelvis { r.styles = StructureStyle.probeView }
            r.overlays = overlays
            r.midlineXMm = midline
            r.translucentSide = translucent
            if iodine { r.contrast = contrast.concentration }
            try PNG.write(r.render(camera), to: "\(figures)/\(id).png")
        }
        try illustrate("fig1b", camera: .threeQuarter(of: sagittal, width: p, height: p), overlays: [.probe(sagittal, .c52, FieldOfView(transducer: .c52, settings: settings))],
                       translucentPelvis: true)
        try illustrate("fig1d", camera: .threeQuarter(of: obliquePose, focus: left.targetPoint, width: p, height: p),
                       overlays: [.probe(obliquePose, .c52, FieldOfView(transducer: .c52, settings: settings)), .needle(leftShaft)], translucentPelvis: true)
        try illustrate("fig2b", camera: .fluoroscopy(taken["fig2a"]!.carm), overlays: [.needle(leftShaft)])
        try illustrate("fig2d", camera: .fluoroscopy(taken["fig2c"]!.carm), overlays: [.needle(leftShaft)])
        try illustrate("fig2f", camera: .fluoroscopy(taken["fig2e"]!.carm), overlays: [.needle(leftShaft)], iodine: true, translucent: .right,
                       translucentPelvis: true)
        try illustrate("fig2h", camera: .fluoroscopy(taken["fig2g"]!.carm), overlays: [.needle(rightShaft)], iodine: true)

        step("the injectate and its maximum doses")
        let injectates = try sides.map { try Injectate.flagship(side: "\(level.rawValue)-\($0.rawValue)") }
        _ = try Injectate.checkTotals(injectates)

        step("storing the case in the registry")
        let dbPath = o.db ?? (dir as NSString).appendingPathComponent("parsguide.sqlite")
        let registry = try Registry(path: dbPath)
        let existing = Set(try registry.patients().map(\.id))
        let patientId = (1...).lazy.map { "CASE-\($0)" }.first { !existing.contains($0) }!
        let yearOfBirth = 2025 - Int(o.ageYears)
        try registry.add(Patient(id: patientId, sex: o.sex.rawValue, yearOfBirth: yearOfBirth, heightCm: o.heightCm, weightKg: o.weightKg))
        let findings: [(String, String)] = [("extension-rotation test", "positive"), ("slump test", "negative"), ("hip abduction", "4+/5")]
        try registry.add(Encounter(patientId: patientId, date: Self.dates.baseline, kind: "baseline",
                                   odiAnswers: Self.answers(try OswestryIndex.total(Self.baselineODI))),
                         findings: findings.map { name, result in
                             result.contains("/") ? FindingRecord(encounterId: 0, name: name, mrcGrade: result)
                                 : FindingRecord(encounterId: 0, name: name, positive: result == "positive")
                         })
        let figureNames = ["fig1a", "fig1b", "fig1c", "fig1d", "fig2a", "fig2b", "fig2c", "fig2d", "fig2e", "fig2f", "fig2g", "fig2h"]
        try registry.add(ProcedureRecord(patientId: patientId, date: Self.dates.procedure, level: level.rawValue, side: "bilateral", guidance: "both",
                                         needle: left.needle.name, injectate: "triamcinolone 20 mg in 0.5 mL bupivacaine 0.5 % per side after 0.3 mL iohexol 240",
                                         planPath: "case.json", confirmationPath: "figures",
                                         referenceAirKermaMGy: ledger.totalReferenceAirKermaMGy, doseAreaProductMGyCm2: ledger.totalDoseAreaProductMGyCm2),
                         images: figureNames.map { ImageRecord(procedureId: 0, path: "figures/\($0).png", kind: Self.imageKind(of: $0)) })
        try registry.add(Encounter(patientId: patientId, date: Self.dates.followUp, kind: "follow-up",
                                   odiAnswers: Self.answers(try OswestryIndex.total(Self.followUpODI)), gpcLowPercent: 80, gpcHighPercent: 90))
        // Closed before the folder is moved into place, so the registry's WAL is folded back beside it.
        try registry.close()

        step("writing report.html and case.json")
        let before = try OswestryIndex.total(Self.baselineODI), after = try OswestryIndex.total(Self.followUpODI)
        let change = OswestryChange(baseline: before, followUp: after)
        let bmi = try BodyMassIndex(heightCm: o.heightCm, weightKg: o.weightKg)
        // Structures in the plane whose echo does not stand out are named as faint, not as seen.
        let faint = located.filter { !$0.isVisible && !$0.key.hasPrefix("facetJoint.") }.map(\.key)
        let absent = StructureLocator.parsViewKeys.filter { key in !located.contains { $0.key == key } }
        let captions: [String: String] = [
            "fig1a": "Sagittal ultrasound over the \(level.rawValue) facet column (left), probe marker cranial.",
            "fig1b": "3D illustration of the sagittal probe position and its image plane.",
            "fig1c": String(format: "Probe rotated %.0f° and tilted %.0f° toward the left: ", left.pose.rotationDeg, left.pose.tiltDeg)
                + "\(Self.listed(located.filter(\.isVisible).map(\.key), level: level)) in view"
                + (needle.shows ? String(format: ", with the needle in plane (%.0f mm of its shaft shows).", needle.shownLengthMm)
                   : needle.tipShows ? String(format: "; of the needle, planned in plane at %.0f° to the beam, only the tip shows, faintly (%.1f mm of its shaft ≥ 6 dB brighter than the same frame without it).",
                                              needle.angleToBeamDeg, needle.shownLengthMm)
                   : String(format: "; the needle, planned in plane at %.0f° to the beam, returns too little echo to show.", needle.angleToBeamDeg))
                + (faint.isEmpty ? "" : " In the plane but faint: \(Self.listed(faint, level: level)).")
                + (absent.isEmpty ? "" : " Not in this plane: \(Self.listed(absent, level: level))."),
            "fig1d": "3D illustration of the rotated probe, its plane and the needle on the left \(level.rawValue) pars defect.",
            "fig2a": "AP fluoroscopy: \(tipPlacement("fig2a", leftShaft, side: .left)).",
            "fig2b": "3D illustration from the same C-arm position.",
            "fig2c": String(format: "Left ipsilateral oblique (%.0f°): ", CArm.View.defaultObliqueDegrees) + tipPlacement("fig2c", leftShaft, side: .left)
                + (defects[0].map { d in
                    d.isLucent ? String(format: "; the cleft crosses the neck of the Scotty dog as a lucent band, %.0f grey levels brighter than the same shot with the gap filled with bone (its rays cross %.0f mm of cleft against %.0f mm of bone).", d.bandRiseGrey, d.cleftAlongRayMm, d.boneAlongRayMm)
                        : String(format: "; the cleft does not stand out as a lucent band in this view: it brightens the pixels it projects to by %.0f grey levels of 255, the beam meeting its plane at %.0f° (its rays cross %.0f mm of cleft against %.0f mm of bone).", d.bandRiseGrey, d.beamToCleftPlaneDeg, d.cleftAlongRayMm, d.boneAlongRayMm)
                } ?? "."),
            "fig2d": "3D illustration from the same oblique.",
            "fig2e": String(format: "Lateral after %.1f mL iohexol: contrast in ", contrast.injectedMl) + Self.spread(contrast.reachedMl) + ".",
            "fig2f": "3D illustration from the lateral, the right-side structures and the hip bones translucent.",
            "fig2g": "AP with contrast on the left; \(tipPlacement("fig2g", rightShaft, side: .right)), before the injectate.",
            "fig2h": "3D illustration from the same AP.",
        ]
        let record = CaseRecord(
            title: "Ultrasound-guided injection of bilateral \(level.rawValue) pars interarticularis defects with multiplanar fluoroscopic confirmation: a simulated case report",
            seed: o.seed,
            patient: .init(id: patientId, sex: o.sex.rawValue, ageYears: o.ageYears, heightCm: o.heightCm, weightKg: o.weightKg,
                           bmi: bmi.value, bmiBand: bmi.band.rawValue, defects: subject.defects.map(\.name)),
            findings: findings.map { .init(name: $0.0, result: $0.1) },
            timeline: [
                .init(date: Self.dates.baseline, what: "Baseline: ODI \(Self.baselineODI)/50; examination; bilateral \(level.rawValue) pars defects"),
                .init(date: Self.dates.procedure, what: "Ultrasound-guided bilateral \(level.rawValue) pars injections, fluoroscopic confirmation with iohexol"),
                .init(date: Self.dates.followUp, what: "\(Self.followUpMonths)-month follow-up: ODI \(Self.followUpODI)/50, \(Self.perceivedChange) improvement"),
            ],
            approaches: zip(plans, zip(rehearsals, injectates)).map { plan, pair in
                let (rehearsal, injectate) = pair
                return .init(target: plan.target.name, targetStructure: plan.target.structure, needle: plan.needle.name, entryMm: plan.entryMm,
                             targetMm: plan.target.pointMm, depthToTargetMm: plan.depthToTargetMm, angleToProbeFaceDeg: plan.angleToProbeFaceDeg,
                             angleToSkinDeg: plan.angleToSkinDeg, entryOffsetFromProbeMm: plan.entryOffsetFromProbeMm, probeRotationDeg: plan.pose.rotationDeg,
                             probeTiltDeg: plan.pose.tiltDeg, clearancesMm: plan.clearancesMm, tipToTargetMm: rehearsal.metrics.finalTipToTargetMm,
                             rehearsalVisibleFraction: rehearsal.metrics.visibleFraction, rehearsalSteps: rehearsal.metrics.steps,
                             injectate: injectate.doses.map { .init(drug: $0.drug.name, volumeMl: $0.volumeMl, mg: $0.mg) }, warnings: plan.warnings)
            },
            contrast: .init(side: "left", injectedMl: contrast.injectedMl, placedMl: contrast.placedMl, reachedMl: contrast.reachedMl),
            radiation: .init(exposures: ledger.exposures, totalMAs: ledger.totalMAs, referenceAirKermaMGy: ledger.totalReferenceAirKermaMGy,
                             doseAreaProductMGyCm2: ledger.totalDoseAreaProductMGyCm2, publishedFluoroscopySecondsPerPars: 42, parsInjected: 2),
            outcome: .init(baselineODI: Self.baselineODI, baselineODIPercent: before.percent, baselineBand: before.band.rawValue,
                           followUpODI: Self.followUpODI, followUpODIPercent: after.percent, followUpBand: after.band.rawValue,
                           changePoints: change.points, changePercent: change.relativePercent, minimalImportantChangePoints: change.thresholdPoints,
                           minimalImportantChangePercent: change.thresholdRelativePercent, importantImprovement: change.importantImprovement,
                           globalPerceivedChange: Self.perceivedChange, followUpMonths: Self.followUpMonths),
            figures: figureNames.map { .init(id: $0, file: "figures/\($0).png", caption: captions[$0]!, width: p, height: p) },
            imaging: .init(parsViewShows: Self.listed(located.filter(\.isVisible).map(\.key), level: level), needleShownMm: needle.shownLengthMm,
                           obliqueCleftAlongRayMm: defects[0]?.cleftAlongRayMm ?? 0, obliqueBoneAlongRayMm: defects[0]?.boneAlongRayMm ?? 0,
                           obliqueBandRiseGrey: defects[0]?.bandRiseGrey ?? 0,
                           obliqueBeamToCleftPlaneDeg: defects[0]?.beamToCleftPlaneDeg ?? 0, obliqueDefectLucent: defects[0]?.isLucent ?? false),
            registryFile: o.db ?? "parsguide.sqlite",
            simulationStatement: "Simulated with ParsGuide: the anatomy is a population-mean lumbar model (L2–L5) with BodyParts3D's L1 set on it and its sacrum and pelvis seated under it, soft tissue sized to the patient's habitus and modelled defects; the ultrasound images, fluoroscopic shots, needle paths, contrast spread and radiation figures are computed, not acquired. The patient's habitus, the technique, the injectate and the outcomes (ODI \(Self.baselineODI) → \(Self.followUpODI)/50, \(Self.perceivedChange)) are those of the published case. Anatomy sources: \(SubjectDocument.attribution.joined(separator: "; ")).")
        try OutputFile.write(OutputFile.prettyJSON(record), to: (dir as NSString).appendingPathComponent("case.json"), kind: .json)
        try OutputFile.write(Data(CaseReport.html(record).utf8), to: (dir as NSString).appendingPathComponent("report.html"), kind: .html)
        return (record, try folder.commit())
    }

    /// The registry's kind of a figure panel: A and C of figure 1 are ultrasound, the shots of figure 2
    /// fluoroscopy, the rest 3D illustrations.
    static func imageKind(of id: String) -> String {
        switch id {
        case "fig1a", "fig1c": "ultrasound"
        case "fig2a", "fig2c", "fig2e", "fig2g": "fluoroscopy"
        default: "illustration"
        }
    }

    /// The structures a frame shows, named from its structure locator's keys (never a template).
    static func listed(_ keys: [String], level: SpinalLevel) -> String {
        let names: [String: String] = [
            "superiorArticularProcess": "\(level.rawValue) superior articular process", "pars": "pars",
            "lamina": "lamina", "spinousProcess": "spinous process", "dura": "dura",
        ]
        var parts = keys.compactMap { names[$0] }
        let joints = keys.filter { $0.hasPrefix("facetJoint.") }.map { String($0.dropFirst("facetJoint.".count)) }
        if !joints.isEmpty { parts.append("the \(joints.joined(separator: " and ")) facet joint\(joints.count > 1 ? "s" : "")") }
        guard let last = parts.popLast() else { return "no annotated structure" }
        return parts.isEmpty ? last : parts.joined(separator: ", ") + " and " + last
    }

    /// Where the contrast went, largest share first: "the pars defect (0.21 mL) and the facet joint (0.09 mL)";
    /// shares under 0.01 mL are summed as "elsewhere".
    static func spread(_ reachedMl: [String: Double]) -> String {
        let major = reachedMl.filter { $0.value >= 0.01 }.sorted { $0.value > $1.value }
        let minor = reachedMl.values.filter { $0 < 0.01 }.reduce(0, +)
        var parts = major.map { String(format: "the %@ (%.2f mL)", $0.key, $0.value) }
        if minor > 0 { parts.append(String(format: "%.3f mL elsewhere", minor)) }
        guard let last = parts.popLast() else { return "no tissue" }
        return parts.isEmpty ? last : parts.joined(separator: ", ") + " and " + last
    }

    static func answers(_ odi: OswestryIndex) -> String { odi.answers.map { $0.map(String.init) ?? "-" }.joined(separator: ",") }
}
