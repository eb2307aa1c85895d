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
        /// A subject folder (`parsguide phantom` or `parsguide subject`) to rehearse on instead of building
        /// the published patient's phantom. The case is then a rehearsal: the habitus, defects and voxel
        /// size are the folder's (the options above for them are not used), no clinical finding or outcome is
        /// reported and nothing is added to a registry (`db` must be nil).
        public var subject: String?

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
        precondition(options.subject == nil || options.db == nil, "a rehearsal on a subject folder adds nothing to a registry")
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
            progress(String(format: "[%2d/%d %5.1f s] %@", stage, o.subject == nil ? 10 : 9, Double(s.seconds) + Double(s.attoseconds) * 1e-18, what))
        }
        let figures = (dir as NSString).appendingPathComponent("figures")
        try FileManager.default.createDirectory(atPath: figures, withIntermediateDirectories: true)
        let p = o.panelPixels

        let anatomy = try o.subject.map { try CaseAnatomy(folder: $0, step: step) } ?? CaseAnatomy(options: o, step: step)
        let rehearsal = o.subject != nil
        let scene = anatomy.scene
        let planning = scene.planning
        try OutputFile.write(planning.document.encoded(), to: (dir as NSString).appendingPathComponent("subject.json"), kind: .json)
        let labels = scene.labels, landmarks = scene.landmarks
        let level = o.level

        step("planning both in-plane approaches")
        // The published case needs both sides. A rehearsal goes on with the sides that have a safe path and
        // reports why the others have none; the first planned side (left, else right) is the one every
        // single-needle figure shows.
        var planned: [(side: Side, plan: NeedlePlan)] = [], unplanned: [CaseRecord.Unplanned] = []
        for side in [Side.left, .right] {
            do {
                planned.append((side, try InPlanePlanner().plan(planning, target: "\(level.rawValue)-\(side.rawValue)")))
            } catch ProcedureError.noSafePath(let target, let reasons) where rehearsal {
                unplanned.append(.init(target: target, reasons: reasons))
            }
        }
        guard !planned.isEmpty else {
            throw ProcedureError.invalid("no safe in-plane path reaches either \(level.rawValue) pars on \(o.subject ?? "this subject"):\n"
                + unplanned.map { "\($0.target):\n" + $0.reasons.map { "  - \($0)" }.joined(separator: "\n") }.joined(separator: "\n"))
        }
        let plans = planned.map(\.plan)
        let (side, first) = planned[0], second = planned.count > 1 ? planned[1] : nil
        let sideName = side.rawValue, otherSide: Side = side == .left ? .right : .left

        step("rehearsing \(plans.count == 2 ? "both insertions" : "the \(sideName) insertion")")
        let rehearsals = try plans.map { try Insertion.rehearse($0, on: planning, stepMm: 2) }

        step("ultrasound: sagittal facets and the rotated pars view")
        var settings = BModeSettings()
        settings.imageWidth = p; settings.imageHeight = p; settings.seed = o.seed
        // 80 mm deep, as a sonographer sets it for the lumbar facets and pars (≈ 25–45 mm under the pressed
        // probe; chosen): the default 120 mm would spend the lower half of each panel on bone shadow.
        settings.depthMm = 80
        settings = try settings.validated()
        let simulator = try BModeSimulator(transducer: .c52, settings: settings)
        let sagittal = try ProbeView.sagittalFacets.pose(level: level, side: side, labels: labels, landmarks: landmarks)
        let sagittalFrame = simulator.render(labels: labels, pose: sagittal)
        // As a scanner shows them: depth scale, focus, orientation mark and readout.
        try PNG.write(sagittalFrame.scannerDisplay(settings: settings, transducer: .c52), to: "\(figures)/fig1a.png")
        let shaft = try first.needle.shaft(tipMm: first.targetPoint, direction: first.unitDirection)
        let secondShaft = try second.map { try $0.plan.needle.shaft(tipMm: $0.plan.targetPoint, direction: $0.plan.unitDirection) }
        let obliquePose = try first.probePose
        let obliqueFrame = simulator.render(labels: labels, pose: obliquePose, needle: shaft)
        let located = StructureLocator.locate(frame: obliqueFrame, labels: labels, landmarks: landmarks, level: level, side: side,
                                              depthMm: settings.depthMm, transducer: .c52, lineCount: settings.lineCount,
                                              dynamicRangeDB: settings.dynamicRangeDB)
        try PNG.write(obliqueFrame.scannerDisplay(over: obliqueFrame.annotated(located), settings: settings, transducer: .c52), to: "\(figures)/fig1c.png")
        let needle = NeedleVisibility(with: obliqueFrame, without: simulator.render(labels: labels, pose: obliquePose), needle: shaft)
        // The rehearsal of the first approach as an animated PNG (a frame every 4 mm, and the last).
        var small = settings
        small.imageWidth = min(p, 320); small.imageHeight = min(p, 320)
        let last = rehearsals[0].steps.count - 1
        let film = try RehearsalFilm.frames(of: rehearsals[0], plan: first, simulator: try BModeSimulator(transducer: .c52, settings: small.validated()),
                                            keep: { $0.index % 2 == 1 || $0.index == last })
        let filmName = "insertion-\(sideName).png"
        try APNG.write(film, delayMs: 300, to: "\(figures)/\(filmName)")

        step("contrast: iohexol at the \(sideName) target")
        let contrast = try ContrastSpread.inject(labels: labels, tipMm: first.targetPoint, volumeMl: ContrastSpread.confirmationVolumeMl)

        step("fluoroscopy: AP, \(sideName) oblique, lateral with contrast, AP \(second == nil ? "with contrast" : "with the \(otherSide.rawValue) needle")")
        let body = landmarks["\(level.rawValue).bodyCentre"] ?? first.targetPoint
        let shots: [(id: String, view: CArm.View, iso: Vector3, needle: NeedleShaft?, iodine: Bool)] = [
            ("fig2a", .ap, body, shaft, false), ("fig2c", side == .left ? .obliqueLeft : .obliqueRight, first.targetPoint, shaft, false),
            ("fig2e", .lateral, body, shaft, true), ("fig2g", .ap, body, secondShaft, true),
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
        // What the shots show: where each needle tip projects against its defect (none: no defect on that
        // side), and whether the ipsilateral oblique shows the first side's cleft as a lucent band.
        var defects: [Side: DefectLucency] = [:]
        for s in [Side.left, .right] {
            defects[s] = try landmarks[Subject.parsLandmarkName(level: level, side: s)].flatMap {
                try DefectLucency(shot: taken["fig2c"]!, volume: scene.fluoro.volume, labels: labels, parsMm: $0)
            }
        }
        func tipPlacement(_ id: String, _ shaft: NeedleShaft, side: Side) -> String {
            guard let defect = defects[side], let mm = taken[id]!.carm.projectedSeparationMm(shaft.tipMm, defect.centreMm) else {
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
        try illustrate("fig1d", camera: .threeQuarter(of: obliquePose, focus: first.targetPoint, width: p, height: p),
                       overlays: [.probe(obliquePose, .c52, FieldOfView(transducer: .c52, settings: settings)), .needle(shaft)], translucentPelvis: true)
        try illustrate("fig2b", camera: .fluoroscopy(taken["fig2a"]!.carm), overlays: [.needle(shaft)])
        try illustrate("fig2d", camera: .fluoroscopy(taken["fig2c"]!.carm), overlays: [.needle(shaft)])
        try illustrate("fig2f", camera: .fluoroscopy(taken["fig2e"]!.carm), overlays: [.needle(shaft)], iodine: true, translucent: otherSide,
                       translucentPelvis: true)
        try illustrate("fig2h", camera: .fluoroscopy(taken["fig2g"]!.carm), overlays: secondShaft.map { [.needle($0)] } ?? [], iodine: true)

        step("the injectate and its maximum doses")
        let injectates = try planned.map { try Injectate.flagship(side: "\(level.rawValue)-\($0.side.rawValue)") }
        _ = try Injectate.checkTotals(injectates)

        // The published case goes into the registry with its outcome; a rehearsal on a subject folder is no
        // procedure performed, so it goes into none.
        let findings: [(String, String)] = rehearsal ? [] : [("extension-rotation test", "positive"), ("slump test", "negative"), ("hip abduction", "4+/5")]
        let figureNames = ["fig1a", "fig1b", "fig1c", "fig1d", "fig2a", "fig2b", "fig2c", "fig2d", "fig2e", "fig2f", "fig2g", "fig2h"]
        let patientId: String
        if rehearsal {
            patientId = "REHEARSAL-1"
        } else {
            step("storing the case in the registry")
            patientId = try store(findings: findings, figureNames: figureNames, needle: first.needle.name, ledger: ledger, in: dir)
        }

        step("writing report.html and case.json")
        let before = try OswestryIndex.total(Self.baselineODI), after = try OswestryIndex.total(Self.followUpODI)
        let change = OswestryChange(baseline: before, followUp: after)
        let habitus = anatomy.habitus
        let bmi = try habitus.map { try BodyMassIndex(heightCm: $0.heightCm, weightKg: $0.weightKg) }
        let defectOnSide = anatomy.defects.contains("\(level.rawValue)-\(sideName)")
        // Structures in the plane whose echo does not stand out are named as faint, not as seen.
        let faint = located.filter { !$0.isVisible && !$0.key.hasPrefix("facetJoint.") }.map(\.key)
        let absent = StructureLocator.parsViewKeys.filter { key in !located.contains { $0.key == key } }
        let oblique = defects[side]
        let captions: [String: String] = [
            "fig1a": "Sagittal ultrasound over the \(level.rawValue) facet column (\(sideName)), probe marker cranial.",
            "fig1b": "3D illustration of the sagittal probe position and its image plane.",
            "fig1c": String(format: "Probe rotated %.0f° and tilted %.0f° toward the %@: ", first.pose.rotationDeg, first.pose.tiltDeg, sideName)
                + "\(Self.listed(located.filter(\.isVisible).map(\.key), level: level)) in view"
                + (needle.shows ? String(format: ", with the needle in plane: %.0f mm of its shaft shows as a line.", needle.longestRunMm)
                   : needle.tipShows ? String(format: "; of the needle, planned in plane at %.0f° to the beam, only the tip shows (its shaft returns its echo away from the probe).",
                                              needle.angleToBeamDeg)
                   : String(format: "; the needle, planned in plane at %.0f° to the beam, returns too little echo to show as a line (its shaft reflects away from the probe at this angle).", needle.angleToBeamDeg))
                + (faint.isEmpty ? "" : " In the plane but faint: \(Self.listed(faint, level: level)).")
                + (absent.isEmpty ? "" : " Not in this plane: \(Self.listed(absent, level: level))."),
            "fig1d": "3D illustration of the rotated probe, its plane and the needle on the \(sideName) \(level.rawValue) pars\(defectOnSide ? " defect" : "").",
            "fig2a": "AP fluoroscopy: \(tipPlacement("fig2a", shaft, side: side)).",
            "fig2b": "3D illustration from the same C-arm position.",
            "fig2c": String(format: "%@ ipsilateral oblique (%.0f°): ", sideName.capitalized, CArm.View.defaultObliqueDegrees) + tipPlacement("fig2c", shaft, side: side)
                + (oblique.map { d in
                    d.isLucent ? String(format: "; the cleft crosses the neck of the Scotty dog as a lucent band, %.0f grey levels brighter along its ridge than the same shot with the gap filled with bone, %.1f× the grey-level spread of the bone around it (the beam meets its plane at %.0f°; its rays cross %.0f mm of cleft against %.0f mm of bone).", d.ridgeRiseGrey, d.conspicuity, d.beamToCleftPlaneDeg, d.cleftAlongRayMm, d.boneAlongRayMm)
                        : String(format: "; the cleft does not stand out as a lucent band in this view: along its ridge it brightens by %.0f grey levels of 255, %.1f× the grey-level spread of the bone around it, the beam meeting its plane at %.0f° (its rays cross %.0f mm of cleft against %.0f mm of bone).", d.ridgeRiseGrey, d.conspicuity, d.beamToCleftPlaneDeg, d.cleftAlongRayMm, d.boneAlongRayMm)
                } ?? "."),
            "fig2d": "3D illustration from the same oblique.",
            "fig2e": String(format: "Lateral after %.1f mL iohexol: contrast in ", contrast.injectedMl) + Self.spread(contrast.reachedMl) + ".",
            "fig2f": "3D illustration from the lateral, the \(otherSide.rawValue)-side structures and the hip bones translucent.",
            "fig2g": "AP with contrast on the \(sideName); " + (second.map { "\(tipPlacement("fig2g", secondShaft!, side: $0.side)), before the injectate." }
                ?? "no \(otherSide.rawValue) needle: no safe in-plane path reaches the \(otherSide.rawValue) \(level.rawValue) pars (see the intervention)."),
            "fig2h": "3D illustration from the same AP.",
        ]
        let defectsPhrase = CaseRecord.defectsPhrase(anatomy.defects)
        let record = CaseRecord(
            title: rehearsal
                ? "Rehearsal of ultrasound-guided \(level.rawValue) pars interarticularis injections with fluoroscopic confirmation on \(anatomy.source.kind == SubjectSource.patientCTKind ? "the patient's CT" : "a phantom subject"): a simulation"
                : "Ultrasound-guided injection of \(Self.titlePhrase(anatomy.defects, level: level)) with multiplanar fluoroscopic confirmation: a simulated case report",
            seed: o.seed,
            anatomy: .init(kind: anatomy.source.kind, summary: anatomy.source.summary, voxelMm: anatomy.source.voxelMm),
            patient: .init(id: patientId, sex: habitus?.sex.rawValue, ageYears: habitus?.ageYears, heightCm: habitus?.heightCm, weightKg: habitus?.weightKg,
                           bmi: bmi?.value, bmiBand: bmi?.band.rawValue, defects: anatomy.defects),
            findings: findings.map { .init(name: $0.0, result: $0.1) },
            timeline: rehearsal
                ? [.init(date: "—", what: "Rehearsal (simulated) of ultrasound-guided \(planned.map { "\(level.rawValue)-\($0.side.rawValue)" }.joined(separator: " and ")) pars injection\(planned.count > 1 ? "s" : "") with fluoroscopic confirmation and iohexol")]
                : [
                    .init(date: Self.dates.baseline, what: "Baseline: ODI \(Self.baselineODI)/50; examination; \(defectsPhrase.prefix(1).lowercased() + defectsPhrase.dropFirst())"),
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
            unplanned: unplanned.isEmpty ? nil : unplanned,
            contrast: .init(side: sideName, injectedMl: contrast.injectedMl, placedMl: contrast.placedMl, reachedMl: contrast.reachedMl),
            radiation: .init(exposures: ledger.exposures, totalMAs: ledger.totalMAs, referenceAirKermaMGy: ledger.totalReferenceAirKermaMGy,
                             doseAreaProductMGyCm2: ledger.totalDoseAreaProductMGyCm2, publishedFluoroscopySecondsPerPars: 42, parsInjected: plans.count),
            outcome: rehearsal ? nil : .init(baselineODI: Self.baselineODI, baselineODIPercent: before.percent, baselineBand: before.band.rawValue,
                           followUpODI: Self.followUpODI, followUpODIPercent: after.percent, followUpBand: after.band.rawValue,
                           changePoints: change.points, changePercent: change.relativePercent, minimalImportantChangePoints: change.thresholdPoints,
                           minimalImportantChangePercent: change.thresholdRelativePercent, importantImprovement: change.importantImprovement,
                           globalPerceivedChange: Self.perceivedChange, followUpMonths: Self.followUpMonths),
            figures: figureNames.map { .init(id: $0, file: "figures/\($0).png", caption: captions[$0]!, width: p, height: p) },
            imaging: .init(parsViewShows: Self.listed(located.filter(\.isVisible).map(\.key), level: level), needleShownMm: needle.shownLengthMm,
                           oblique: oblique.map {
                               .init(cleftAlongRayMm: $0.cleftAlongRayMm, boneAlongRayMm: $0.boneAlongRayMm, bandRiseGrey: $0.bandRiseGrey,
                                     ridgeRiseGrey: $0.ridgeRiseGrey, conspicuity: $0.conspicuity, beamToCleftPlaneDeg: $0.beamToCleftPlaneDeg,
                                     lucent: $0.isLucent)
                           }),
            registryFile: rehearsal ? nil : o.db ?? "parsguide.sqlite",
            simulationStatement: Self.simulationStatement(anatomy, rehearsal: rehearsal))
        try OutputFile.write(OutputFile.prettyJSON(record), to: (dir as NSString).appendingPathComponent("case.json"), kind: .json)
        try OutputFile.write(Data(CaseReport.html(record).utf8), to: (dir as NSString).appendingPathComponent("report.html"), kind: .html)
        return (record, try folder.commit())
    }

    /// Adds the published case to the registry (`db`, or a fresh `parsguide.sqlite` in `dir`): the patient,
    /// the baseline with its examination, the procedure with its dose and figures, the follow-up. Returns
    /// the patient's id (the first free `CASE-n`).
    func store(findings: [(String, String)], figureNames: [String], needle: String, ledger: DoseLedger, in dir: String) throws -> String {
        let o = options
        let registry = try Registry(path: o.db ?? (dir as NSString).appendingPathComponent("parsguide.sqlite"))
        let existing = Set(try registry.patients().map(\.id))
        let patientId = (1...).lazy.map { "CASE-\($0)" }.first { !existing.contains($0) }!
        try registry.add(Patient(id: patientId, sex: o.sex.rawValue, yearOfBirth: 2025 - Int(o.ageYears), heightCm: o.heightCm, weightKg: o.weightKg))
        try registry.add(Encounter(patientId: patientId, date: Self.dates.baseline, kind: "baseline",
                                   odiAnswers: Self.answers(try OswestryIndex.total(Self.baselineODI))),
                         findings: findings.map { name, result in
                             result.contains("/") ? FindingRecord(encounterId: 0, name: name, mrcGrade: result)
                                 : FindingRecord(encounterId: 0, name: name, positive: result == "positive")
                         })
        try registry.add(ProcedureRecord(patientId: patientId, date: Self.dates.procedure, level: o.level.rawValue, side: "bilateral", guidance: "both",
                                         needle: needle, injectate: "triamcinolone 20 mg in 0.5 mL bupivacaine 0.5 % per side after 0.3 mL iohexol 240",
                                         planPath: "case.json", confirmationPath: "figures",
                                         referenceAirKermaMGy: ledger.totalReferenceAirKermaMGy, doseAreaProductMGyCm2: ledger.totalDoseAreaProductMGyCm2),
                         images: figureNames.map { ImageRecord(procedureId: 0, path: "figures/\($0).png", kind: Self.imageKind(of: $0)) })
        try registry.add(Encounter(patientId: patientId, date: Self.dates.followUp, kind: "follow-up",
                                   odiAnswers: Self.answers(try OswestryIndex.total(Self.followUpODI)), gpcLowPercent: 80, gpcHighPercent: 90))
        // Closed before the folder is moved into place, so the registry's WAL is folded back beside it.
        try registry.close()
        return patientId
    }

    /// What the report says is simulated, measured or taken from the published case.
    static func simulationStatement(_ anatomy: CaseAnatomy, rehearsal: Bool) -> String {
        let computed = "the ultrasound images, fluoroscopic shots, needle paths, contrast spread and radiation figures are computed, not acquired."
        let sources = anatomy.attribution.isEmpty ? "" : " Anatomy sources: \(anatomy.attribution.joined(separator: "; "))."
        if anatomy.source.kind == SubjectSource.patientCTKind {
            return "Simulated with ParsGuide on the patient's CT (\(anatomy.source.summary)), resampled to \(String(format: "%.1f", anatomy.source.voxelMm)) mm voxels: "
                + "bone, skin and the tissue classes come from the CT (Hounsfield ranges) and its vertebra masks; the canal contents, facet joint spaces and nerve roots "
                + "are modelled from the vertebrae; fluoroscopy is ray-cast through the CT as scanned; " + computed
                + " No clinical finding or outcome is reported: nothing was done to the patient." + sources
        }
        let base = "Simulated with ParsGuide: the anatomy is a population-mean lumbar model (L2–L5) with BodyParts3D's L1 set on it and its sacrum and pelvis seated under it, soft tissue sized to the \(rehearsal ? "subject's" : "patient's") habitus and modelled defects; " + computed
        return base + (rehearsal ? " No clinical finding or outcome is reported: this is a rehearsal."
            : " The patient's habitus, the technique, the injectate and the outcomes (ODI \(baselineODI) → \(followUpODI)/50, \(perceivedChange)) are those of the published case.") + sources
    }

    /// The title's name of the defects: "bilateral L5 pars interarticularis defects", "the L5 pars
    /// interarticularis (no defect modelled)".
    static func titlePhrase(_ defects: [String], level: SpinalLevel) -> String {
        guard !defects.isEmpty else { return "the \(level.rawValue) pars interarticularis (no defect modelled)" }
        let phrase = CaseRecord.defectsPhrase(defects).replacingOccurrences(of: "pars defect", with: "pars interarticularis defect")
        return phrase.prefix(1).lowercased() + phrase.dropFirst()
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
