/// Every number of the case report, machine-readable: `case.json`. Key names are a public contract.
public struct CaseRecord: Codable, Sendable, Equatable {
    public struct Patient: Codable, Sendable, Equatable {
        public var id: String
        /// The demographics are absent when the anatomy is a patient's CT given without them.
        public var sex: String?
        public var ageYears: Double?
        public var heightCm: Double?
        public var weightKg: Double?
        public var bmi: Double?
        public var bmiBand: String?
        public var defects: [String]

        public init(id: String, sex: String?, ageYears: Double?, heightCm: Double?, weightKg: Double?, bmi: Double?, bmiBand: String?, defects: [String]) {
            self.id = id; self.sex = sex; self.ageYears = ageYears; self.heightCm = heightCm; self.weightKg = weightKg; self.bmi = bmi; self.bmiBand = bmiBand; self.defects = defects
        }

        /// Sex, age, height and weight all known.
        public var hasDemographics: Bool { sex != nil && ageYears != nil && heightCm != nil && weightKg != nil && bmi != nil }
    }

    /// Where the case's anatomy comes from (`subject.json`'s `source`): `phantom` or `patient-ct`, one
    /// sentence, the isotropic voxel size in mm.
    public struct Anatomy: Codable, Sendable, Equatable {
        public var kind: String
        public var summary: String
        public var voxelMm: Double

        public init(kind: String, summary: String, voxelMm: Double) {
            self.kind = kind; self.summary = summary; self.voxelMm = voxelMm
        }
    }

    public struct Finding: Codable, Sendable, Equatable {
        public var name: String
        /// "positive", "negative" or an MRC grade such as "4+/5".
        public var result: String

        public init(name: String, result: String) {
            self.name = name; self.result = result
        }
    }

    public struct Event: Codable, Sendable, Equatable {
        public var date: String
        public var what: String

        public init(date: String, what: String) {
            self.date = date; self.what = what
        }
    }

    public struct Approach: Codable, Sendable, Equatable {
        /// `L5-left`.
        public var target: String
        public var targetStructure: String
        public var needle: String
        public var entryMm: [Double]
        public var targetMm: [Double]
        public var depthToTargetMm: Double
        public var angleToProbeFaceDeg: Double
        public var angleToSkinDeg: Double
        public var entryOffsetFromProbeMm: Double
        public var probeRotationDeg: Double
        public var probeTiltDeg: Double
        public var clearancesMm: [String: Double]
        public var tipToTargetMm: Double
        public var rehearsalVisibleFraction: Double
        public var rehearsalSteps: Int
        public var injectate: [Dose]
        public var warnings: [String]

        public init(target: String, targetStructure: String, needle: String, entryMm: [Double], targetMm: [Double], depthToTargetMm: Double, angleToProbeFaceDeg: Double, angleToSkinDeg: Double, entryOffsetFromProbeMm: Double, probeRotationDeg: Double, probeTiltDeg: Double, clearancesMm: [String: Double], tipToTargetMm: Double, rehearsalVisibleFraction: Double, rehearsalSteps: Int, injectate: [Dose], warnings: [String]) {
            self.target = target; self.targetStructure = targetStructure; self.needle = needle; self.entryMm = entryMm; self.targetMm = targetMm; self.depthToTargetMm = depthToTargetMm; self.angleToProbeFaceDeg = angleToProbeFaceDeg; self.angleToSkinDeg = angleToSkinDeg; self.entryOffsetFromProbeMm = entryOffsetFromProbeMm; self.probeRotationDeg = probeRotationDeg; self.probeTiltDeg = probeTiltDeg; self.clearancesMm = clearancesMm; self.tipToTargetMm = tipToTargetMm; self.rehearsalVisibleFraction = rehearsalVisibleFraction; self.rehearsalSteps = rehearsalSteps; self.injectate = injectate; self.warnings = warnings
        }
    }

    /// A target the planner found no safe in-plane path to (a rehearsal goes on without it), with what
    /// blocked each family of candidates.
    public struct Unplanned: Codable, Sendable, Equatable {
        public var target: String
        public var reasons: [String]

        public init(target: String, reasons: [String]) {
            self.target = target; self.reasons = reasons
        }
    }

    public struct Dose: Codable, Sendable, Equatable {
        public var drug: String
        public var volumeMl: Double
        public var mg: Double

        public init(drug: String, volumeMl: Double, mg: Double) {
            self.drug = drug; self.volumeMl = volumeMl; self.mg = mg
        }
    }

    public struct Contrast: Codable, Sendable, Equatable {
        public var side: String
        public var injectedMl: Double
        public var placedMl: Double
        /// mL per tissue reached.
        public var reachedMl: [String: Double]

        public init(side: String, injectedMl: Double, placedMl: Double, reachedMl: [String: Double]) {
            self.side = side; self.injectedMl = injectedMl; self.placedMl = placedMl; self.reachedMl = reachedMl
        }
    }

    public struct Radiation: Codable, Sendable, Equatable {
        public var exposures: Int
        public var totalMAs: Double
        public var referenceAirKermaMGy: Double
        public var doseAreaProductMGyCm2: Double
        /// Published fluoroscopy time per pars injected under fluoroscopic guidance (data sheet §5d).
        public var publishedFluoroscopySecondsPerPars: Double
        public var parsInjected: Int

        public init(exposures: Int, totalMAs: Double, referenceAirKermaMGy: Double, doseAreaProductMGyCm2: Double, publishedFluoroscopySecondsPerPars: Double, parsInjected: Int) {
            self.exposures = exposures; self.totalMAs = totalMAs; self.referenceAirKermaMGy = referenceAirKermaMGy; self.doseAreaProductMGyCm2 = doseAreaProductMGyCm2; self.publishedFluoroscopySecondsPerPars = publishedFluoroscopySecondsPerPars; self.parsInjected = parsInjected
        }
    }

    public struct Outcome: Codable, Sendable, Equatable {
        public var baselineODI: Int
        public var baselineODIPercent: Double
        public var baselineBand: String
        public var followUpODI: Int
        public var followUpODIPercent: Double
        public var followUpBand: String
        public var changePoints: Double
        public var changePercent: Double
        public var minimalImportantChangePoints: Double
        public var minimalImportantChangePercent: Double
        public var importantImprovement: Bool
        public var globalPerceivedChange: String
        public var followUpMonths: Int

        public init(baselineODI: Int, baselineODIPercent: Double, baselineBand: String, followUpODI: Int, followUpODIPercent: Double, followUpBand: String, changePoints: Double, changePercent: Double, minimalImportantChangePoints: Double, minimalImportantChangePercent: Double, importantImprovement: Bool, globalPerceivedChange: String, followUpMonths: Int) {
            self.baselineODI = baselineODI; self.baselineODIPercent = baselineODIPercent; self.baselineBand = baselineBand; self.followUpODI = followUpODI; self.followUpODIPercent = followUpODIPercent; self.followUpBand = followUpBand; self.changePoints = changePoints; self.changePercent = changePercent; self.minimalImportantChangePoints = minimalImportantChangePoints; self.minimalImportantChangePercent = minimalImportantChangePercent; self.importantImprovement = importantImprovement; self.globalPerceivedChange = globalPerceivedChange; self.followUpMonths = followUpMonths
        }
    }

    public struct Figure: Codable, Sendable, Equatable {
        /// `fig1a`.
        public var id: String
        /// Relative path, e.g. `figures/fig1a.png`.
        public var file: String
        public var caption: String
        public var width: Int
        public var height: Int

        public init(id: String, file: String, caption: String, width: Int, height: Int) {
            self.id = id; self.file = file; self.caption = caption; self.width = width; self.height = height
        }
    }

    /// What the simulated images show, measured on them (so the report's text can say it).
    public struct ImagingFindings: Codable, Sendable, Equatable {
        /// The structures the rotated pars view (figure 1C) shows, named as in its caption ("L5 superior
        /// articular process, pars, …"): in the plane with an echo ≥ 12 dB above the tissue around.
        public var parsViewShows: String
        /// How much of the needle's shaft figure 1C shows as a line, mm (`NeedleVisibility.shownLengthMm`:
        /// 0.5 mm steps whose 2 mm of line are on average ≥ 6 dB brighter than without the needle).
        public var needleShownMm: Double
        /// The first planned side's defect (left, else right) on the ipsilateral oblique (figure 2C), along its most lucent rays: cleft and
        /// remaining bone crossed, mm; how much brighter the pixels it projects to are than with the gap
        /// filled with bone, grey levels of 255 (median over the band, and along its ridge: the 90th
        /// percentile); the ridge's rise over the grey-level spread of the anatomy around it (conspicuity);
        /// the angle between the beam and the cleft's plane, degrees; and whether it therefore shows as a
        /// lucent band (`DefectLucency`). Absent when that side has no defect.
        public var obliqueCleftAlongRayMm: Double?
        public var obliqueBoneAlongRayMm: Double?
        public var obliqueBandRiseGrey: Double?
        public var obliqueRidgeRiseGrey: Double?
        public var obliqueConspicuity: Double?
        public var obliqueBeamToCleftPlaneDeg: Double?
        public var obliqueDefectLucent: Bool?

        public init(parsViewShows: String, needleShownMm: Double, oblique: DefectLucencyFigures?) {
            self.parsViewShows = parsViewShows; self.needleShownMm = needleShownMm
            obliqueCleftAlongRayMm = oblique?.cleftAlongRayMm; obliqueBoneAlongRayMm = oblique?.boneAlongRayMm
            obliqueBandRiseGrey = oblique?.bandRiseGrey; obliqueRidgeRiseGrey = oblique?.ridgeRiseGrey
            obliqueConspicuity = oblique?.conspicuity; obliqueBeamToCleftPlaneDeg = oblique?.beamToCleftPlaneDeg
            obliqueDefectLucent = oblique?.lucent
        }
    }

    /// The numbers of one defect's lucency on a shot (`DefectLucency`), as the record keeps them.
    public struct DefectLucencyFigures: Sendable, Equatable {
        public var cleftAlongRayMm, boneAlongRayMm, bandRiseGrey, ridgeRiseGrey, conspicuity, beamToCleftPlaneDeg: Double
        public var lucent: Bool
        public init(cleftAlongRayMm: Double, boneAlongRayMm: Double, bandRiseGrey: Double, ridgeRiseGrey: Double,
                    conspicuity: Double, beamToCleftPlaneDeg: Double, lucent: Bool) {
            self.cleftAlongRayMm = cleftAlongRayMm; self.boneAlongRayMm = boneAlongRayMm; self.bandRiseGrey = bandRiseGrey
            self.ridgeRiseGrey = ridgeRiseGrey; self.conspicuity = conspicuity; self.beamToCleftPlaneDeg = beamToCleftPlaneDeg
            self.lucent = lucent
        }
    }

    public var title: String
    public var seed: UInt64
    /// Where the anatomy comes from (absent in records written before `case --subject`: the phantom).
    public var anatomy: Anatomy?
    public var patient: Patient
    public var findings: [Finding]
    public var timeline: [Event]
    public var approaches: [Approach]
    /// Targets without a safe path (absent when every target has one).
    public var unplanned: [Unplanned]?
    public var contrast: Contrast
    public var radiation: Radiation
    /// The published case's outcome; absent for a rehearsal on a subject folder (`case --subject`), where
    /// nothing was done to the patient.
    public var outcome: Outcome?
    public var figures: [Figure]
    public var imaging: ImagingFindings
    /// The registry the case was added to; absent when it was added to none (a rehearsal).
    public var registryFile: String?
    /// What is simulated and what comes from the published case.
    public var simulationStatement: String

    public init(title: String, seed: UInt64, anatomy: Anatomy?, patient: Patient, findings: [Finding], timeline: [Event], approaches: [Approach], unplanned: [Unplanned]? = nil, contrast: Contrast, radiation: Radiation, outcome: Outcome?, figures: [Figure], imaging: ImagingFindings, registryFile: String?, simulationStatement: String) {
        self.imaging = imaging; self.title = title; self.seed = seed; self.anatomy = anatomy; self.patient = patient; self.findings = findings; self.timeline = timeline; self.approaches = approaches; self.unplanned = unplanned; self.contrast = contrast; self.radiation = radiation; self.outcome = outcome; self.figures = figures; self.registryFile = registryFile; self.simulationStatement = simulationStatement
    }

    /// The defects as a clinician names them: "Bilateral L5 pars defects", "A left L4 pars defect",
    /// "L4-left and L5-right pars defects", "No pars defect".
    public static func defectsPhrase(_ defects: [String]) -> String {
        let parts = defects.map { $0.split(separator: "-").map(String.init) }
        if parts.isEmpty { return "No pars defect" }
        if parts.count == 1, parts[0].count == 2 { return "A \(parts[0][1]) \(parts[0][0]) pars defect" }
        if parts.count == 2, parts[0].first == parts[1].first, Set(parts.compactMap(\.last)) == ["left", "right"] {
            return "Bilateral \(parts[0][0]) pars defects"
        }
        return defects.dropLast().joined(separator: ", ") + " and " + defects.last! + " pars defects"
    }
}
