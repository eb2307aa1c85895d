import Foundation

/// What the case-report template shows, as text ready to print: numbers formatted with their digits, the
/// figures grouped into their panels. Every value comes from a `CaseRecord`; the template escapes it for
/// HTML (`{{…}}`), so nothing here carries markup.
struct CaseReportView {
    struct Row { let name: String; let value: String }
    /// One row of the intervention table: a label and one cell per approach, each cell one or more lines.
    struct ApproachRow { let name: String; let cells: [Cell] }
    struct Cell { let lines: [String] }
    struct Panel { let file: String; let width: Int; let height: Int; let caption: String }
    struct FigureGroup { let title: String; let panels: [Panel]; let captions: [String] }

    let title: String
    /// The published case (with its outcome) rather than a rehearsal on a subject folder.
    let published: Bool
    /// "a population-mean lumbar model …" or "the patient's CT (…), resampled to 0.5 mm voxels".
    let anatomySentence: String
    let fromPatientCT: Bool
    let hasDemographics: Bool
    let ageYears: String
    let sex: String
    let heightCm: String, weightKg: String, bmi: String, bmiBand: String
    let patientID: String
    let defects: String
    /// "Bilateral L5 pars defects", "A left L4 pars defect", "No pars defect": from the subject's defects.
    let defectsPhrase: String
    /// The same within a sentence: "bilateral L5 pars defects", "no pars defect".
    let defectsPhraseInline: String
    let hasDefects: Bool
    let level: String
    let findings: [Row]
    let timeline: [Row]
    let obliqueSentence: String
    let parsViewShows: String
    let approachTargets: [String]
    let approachRows: [ApproachRow]
    /// "both L5 pars", or "the L5-left pars" when one side has no safe path.
    let plannedPars: String
    let twoNeedles: Bool
    /// Targets without a safe path: "L5-right: the needle would stay … (114 candidates); …".
    let unplanned: [String]
    let depthsToTarget: String
    let contrastSide: String, contrastInjectedMl: String, contrastReached: String
    let exposures: Int, totalMAs: String, referenceAirKermaMGy: String, doseAreaProductMGyCm2: String, avoidedFluoroscopySeconds: String
    let plannerWarnings: [String]
    let baselineODI: String, baselineODIPercent: String, baselineBand: String
    let followUpODI: String, followUpODIPercent: String, followUpBand: String, followUpMonths: String
    let changePoints: String, changePercent: String
    let minimalImportantChangePoints: String, minimalImportantChangePercent: String
    let importantImprovement: Bool
    let globalPerceivedChange: String
    let figureGroups: [FigureGroup]
    let simulationStatement: String
    let seed: UInt64
    let registryFile: String?

    init(_ r: CaseRecord) {
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        func f(_ x: Double?, _ digits: Int = 1) -> String { x.map { f($0, digits) } ?? "" }
        let p = r.patient, o = r.outcome, rad = r.radiation, i = r.imaging
        title = r.title
        published = o != nil
        let patientCT = r.anatomy?.kind == "patient-ct"
        fromPatientCT = patientCT
        anatomySentence = r.anatomy.map { a in
            patientCT ? "the patient's CT (\(a.summary)), resampled to \(f(a.voxelMm, 1)) mm voxels" : a.summary + " (\(f(a.voxelMm, 1)) mm voxels)"
        } ?? "a population-mean lumbar model"
        hasDemographics = p.hasDemographics
        ageYears = p.ageYears.map { String(Int($0)) } ?? ""; sex = p.sex ?? ""
        heightCm = f(p.heightCm, 0); weightKg = f(p.weightKg, 0); bmi = f(p.bmi); bmiBand = p.bmiBand ?? ""
        patientID = p.id
        defects = p.defects.isEmpty ? "none" : p.defects.joined(separator: ", ")
        defectsPhrase = CaseRecord.defectsPhrase(p.defects)
        defectsPhraseInline = defectsPhrase.hasPrefix("L") ? defectsPhrase : defectsPhrase.prefix(1).lowercased() + defectsPhrase.dropFirst()
        hasDefects = !p.defects.isEmpty
        level = r.approaches.first.map { String($0.target.prefix { $0 != "-" }) } ?? ""
        findings = r.findings.map { Row(name: $0.name, value: $0.result) }
        timeline = r.timeline.map { Row(name: $0.date, value: $0.what) }
        if let lucent = i.obliqueDefectLucent, let rise = i.obliqueRidgeRiseGrey ?? i.obliqueBandRiseGrey {
            let spread = i.obliqueConspicuity.map { ", \(f($0, 1))× the grey-level spread of the bone around it" } ?? ""
            obliqueSentence = lucent
                ? "the ipsilateral oblique fluoroscopic view shows the lucent band across the neck of the \"Scotty dog\" (Figure 2C): "
                    + "along its ridge the defect brightens the image by \(f(rise, 0)) grey levels of 255\(spread), the beam meeting "
                    + "the cleft's plane at \(f(i.obliqueBeamToCleftPlaneDeg, 0))°."
                : "in the ipsilateral oblique fluoroscopic view (Figure 2C) the defect does not stand out as a lucent band: along its "
                    + "ridge it brightens the image by only \(f(rise, 0)) grey levels of 255\(spread), because the beam meets the "
                    + "cleft's plane at \(f(i.obliqueBeamToCleftPlaneDeg, 0))° (its rays cross \(f(i.obliqueCleftAlongRayMm, 0)) mm of cleft "
                    + "against \(f(i.obliqueBoneAlongRayMm, 0)) mm of bone). An oblique view shows a defect clearly only when the beam "
                    + "runs in its plane, and on CT only 32 % of pars defects lie within 15° of the 45° oblique (Saifuddin et al., "
                    + "J Bone Joint Surg Br 1998;80:208–11)."
        } else {
            obliqueSentence = p.defects.isEmpty ? "the ipsilateral oblique fluoroscopic view (Figure 2C) has none to show."
                : "the \(r.contrast.side) pars has no defect, so the ipsilateral oblique fluoroscopic view (Figure 2C) has none to show there."
        }
        parsViewShows = i.parsViewShows
        approachTargets = r.approaches.map(\.target)
        twoNeedles = r.approaches.count == 2
        plannedPars = r.approaches.count == 2 ? "both \(level) pars" : "the " + approachTargets.joined(separator: " and ") + " pars"
        unplanned = (r.unplanned ?? []).map { "\($0.target): " + $0.reasons.joined(separator: "; ") }
        func row(_ name: String, _ lines: (CaseRecord.Approach) -> [String]) -> ApproachRow {
            ApproachRow(name: name, cells: r.approaches.map { Cell(lines: lines($0)) })
        }
        approachRows = [
            row("Needle") { [$0.needle] },
            row("Target") { [$0.targetStructure] },
            row("Probe") { ["rotated \(f($0.probeRotationDeg, 0))°, tilted \(f($0.probeTiltDeg, 0))°"] },
            row("Entry beyond the probe's cranial end") { ["\(f($0.entryOffsetFromProbeMm)) mm"] },
            row("Depth to target along the needle") { ["\(f($0.depthToTargetMm)) mm"] },
            row("Angle to the probe face / to the skin") { ["\(f($0.angleToProbeFaceDeg, 0))° / \(f($0.angleToSkinDeg, 0))°"] },
            row("Clearance: dura, nerve roots, facet capsule") { a in
                [["dura", "nerveRoot", "facetJoint"].map { f(a.clearancesMm[$0] ?? .nan) }.joined(separator: ", ") + " mm"]
            },
            row("Rehearsal: tip in view / steps") { ["\(f(100 * $0.rehearsalVisibleFraction, 0)) % of \($0.rehearsalSteps)"] },
            row("Tip-to-target error") { ["\(f($0.tipToTargetMm)) mm"] },
            row("Injectate") { $0.injectate.map { "\($0.drug) \(f($0.volumeMl, 2)) mL (\(f($0.mg, 1)) mg)" } },
        ]
        contrastSide = r.contrast.side
        contrastInjectedMl = f(r.contrast.injectedMl, 2)
        contrastReached = r.contrast.reachedMl.sorted { $0.value > $1.value }.map { "\($0.key) \(f($0.value, 2)) mL" }.joined(separator: ", ")
        exposures = rad.exposures; totalMAs = f(rad.totalMAs, 0)
        referenceAirKermaMGy = f(rad.referenceAirKermaMGy, 2); doseAreaProductMGyCm2 = f(rad.doseAreaProductMGyCm2, 0)
        avoidedFluoroscopySeconds = f(rad.publishedFluoroscopySecondsPerPars * Double(rad.parsInjected), 0)
        plannerWarnings = r.approaches.flatMap { a in a.warnings.map { "\(a.target): \($0)" } }
        depthsToTarget = r.approaches.map { "\(f($0.depthToTargetMm)) mm (\($0.target))" }.joined(separator: " and ")
        baselineODI = o.map { String($0.baselineODI) } ?? ""; baselineODIPercent = f(o?.baselineODIPercent, 0); baselineBand = o?.baselineBand ?? ""
        followUpODI = o.map { String($0.followUpODI) } ?? ""; followUpODIPercent = f(o?.followUpODIPercent, 0); followUpBand = o?.followUpBand ?? ""
        followUpMonths = o.map { String($0.followUpMonths) } ?? ""
        changePoints = f(o?.changePoints, 0); changePercent = f(o?.changePercent, 0)
        minimalImportantChangePoints = f(o?.minimalImportantChangePoints, 0); minimalImportantChangePercent = f(o?.minimalImportantChangePercent, 0)
        importantImprovement = o?.importantImprovement ?? false
        globalPerceivedChange = o?.globalPerceivedChange ?? ""
        figureGroups = [("fig1", "Figure 1. Ultrasound views and their 3D illustrations."),
                        ("fig2", "Figure 2. Fluoroscopic views and their 3D illustrations.")].map { group, title in
            let figures = r.figures.filter { $0.id.hasPrefix(group) }
            return FigureGroup(title: title,
                               panels: figures.map { Panel(file: $0.file, width: $0.width, height: $0.height, caption: $0.caption) },
                               captions: figures.map { "(\($0.id.suffix(1).uppercased())) \($0.caption)" })
        }
        simulationStatement = r.simulationStatement
        seed = r.seed
        registryFile = r.registryFile
    }
}
