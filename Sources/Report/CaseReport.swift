import Foundation

/// The CARE-style case report (Gagnier 2013; data sheet §8) as one self-contained HTML page: the 13
/// CARE items in order, figures referenced relatively (the folder can be zipped and opened anywhere), a
/// print stylesheet. Everything it states comes from the `CaseRecord`.
public enum CaseReport {
    /// The CARE items, in order: the report's section headings.
    public static let careSections = ["Title", "Keywords", "Abstract", "Introduction", "Patient information", "Clinical findings", "Timeline",
                                      "Diagnostic assessment", "Therapeutic intervention", "Follow-up and outcomes", "Discussion",
                                      "Patient perspective", "Informed consent"]

    public static func html(_ r: CaseRecord) -> String {
        let o = r.outcome, p = r.patient, rad = r.radiation
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        func e(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let avoidedSeconds = rad.publishedFluoroscopySecondsPerPars * Double(rad.parsInjected)
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(r.title))</title>
        <style>
        body { font: 16px/1.5 Georgia, 'Times New Roman', serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; line-height: 1.25; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
        table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
        figure { margin: 1em 0; page-break-inside: avoid; break-inside: avoid; }
        .panels { display: grid; grid-template-columns: repeat(2, 1fr); gap: .6em; }
        .panels img { width: 100%; height: auto; border: 1px solid #ddd; background: #000; }
        figcaption { font-size: .9em; color: #444; }
        .note { background: #f6f6f0; border-left: 4px solid #b8a; padding: .5em 1em; }
        @media print { body { max-width: none; margin: 0; font-size: 11pt; } h2 { page-break-after: avoid; break-after: avoid; } a { color: inherit; } }
        </style></head><body>

        """
        // 1 Title
        h += "<section id=\"title\"><h2>Title</h2><h1>\(e(r.title))</h1></section>\n"
        // 2 Keywords
        h += "<section id=\"keywords\"><h2>Keywords</h2><p>spondylolysis; pars interarticularis; ultrasound-guided injection; fluoroscopy; case report</p></section>\n"
        // 3 Abstract
        h += """
        <section id="abstract"><h2>Abstract</h2>
        <p>A \(Int(p.ageYears))-year-old \(p.sex) (\(f(p.heightCm, 0)) cm, \(f(p.weightKg, 0)) kg, BMI \(f(p.bmi))) with low back pain and bilateral L5 pars
        interarticularis defects received ultrasound-guided injections of both defects with a low-frequency curvilinear probe, the needle advanced
        in plane from cephalad-lateral to caudad-medial, with multiplanar fluoroscopic confirmation and a small iohexol test dose. The Oswestry
        Disability Index fell from \(o.baselineODI)/50 (\(f(o.baselineODIPercent, 0)) %, \(o.baselineBand)) to \(o.followUpODI)/50 (\(f(o.followUpODIPercent, 0)) %,
        \(o.followUpBand)) at \(o.followUpMonths) months, a change of \(f(o.changePoints, 0)) points (\(f(o.changePercent, 0)) %) that
        \(o.importantImprovement ? "reaches" : "does not reach") the minimal important change, with \(e(o.globalPerceivedChange)) global perceived improvement.
        Lesson: ultrasound can guide the needle onto a pars defect and keep fluoroscopy to a few confirming shots.</p></section>

        """
        // 4 Introduction
        h += """
        <section id="introduction"><h2>Introduction</h2>
        <p>Spondylolysis, a defect of the pars interarticularis, lies at L5 in about nine of ten cases and is bilateral in most symptomatic ones.
        Injections of the defect are usually guided by fluoroscopy (a published series reports a geometric mean of 42 s of fluoroscopy per pars
        injected) or CT. Ultrasound shows the posterior elements of the lumbar spine without radiation; this report describes an ultrasound-guided
        approach to the defect confirmed by fluoroscopy, reproduced here with ParsGuide.</p></section>

        """
        // 5 Patient information
        h += """
        <section id="patient-information"><h2>Patient information</h2>
        <p>De-identified: patient \(e(p.id)), \(p.sex), \(Int(p.ageYears)) years, \(f(p.heightCm, 0)) cm, \(f(p.weightKg, 0)) kg,
        BMI \(f(p.bmi)) (\(e(p.bmiBand))). Pars defects: \(e(p.defects.joined(separator: ", "))). Main complaint: mechanical low back pain,
        worse on extension.</p></section>

        """
        // 6 Clinical findings
        h += "<section id=\"clinical-findings\"><h2>Clinical findings</h2><table><tr><th>Examination</th><th>Result</th></tr>\n"
        for finding in r.findings { h += "<tr><td>\(e(finding.name))</td><td>\(e(finding.result))</td></tr>\n" }
        h += "</table></section>\n"
        // 7 Timeline
        h += "<section id=\"timeline\"><h2>Timeline</h2><table><tr><th>Date</th><th>Event</th></tr>\n"
        for event in r.timeline { h += "<tr><td>\(e(event.date))</td><td>\(e(event.what))</td></tr>\n" }
        h += "</table><p class=\"note\">Dates are illustrative: the published case gives intervals, not dates.</p></section>\n"
        // 8 Diagnostic assessment: what the figures show, as measured on them.
        let i = r.imaging
        let obliqueSentence = i.obliqueDefectLucent
            ? "the ipsilateral oblique fluoroscopic view shows the lucent band across the neck of the \"Scotty dog\" (Figure 2C)."
            : String(format: "in the ipsilateral oblique fluoroscopic view (Figure 2C) the defect does not stand out as a lucent band (its rays cross %.0f mm of cleft against %.0f mm of bone).",
                     i.obliqueCleftAlongRayMm, i.obliqueBoneAlongRayMm)
        h += """
        <section id="diagnostic-assessment"><h2>Diagnostic assessment</h2>
        <p>Bilateral L5 pars defects; \(e(obliqueSentence))
        Differential diagnosis: facet arthropathy, discogenic pain, sacroiliac joint pain. The sagittal ultrasound over the L4–S1 facets and the
        pars view after rotating the probe show \(e(r.imaging.parsViewShows)) (Figure 1).</p>
        </section>

        """
        // 9 Therapeutic intervention
        h += "<section id=\"therapeutic-intervention\"><h2>Therapeutic intervention</h2>\n"
        h += "<p>Prone. Low-frequency curvilinear probe placed sagittally over the L4–S1 facets, then rotated about 30° (counter-clockwise for the left, clockwise for the right). Needle in plane, cephalad-lateral → caudad-medial, onto the pars defect; then multiplanar fluoroscopy (AP, ipsilateral oblique, lateral) and iohexol (Omnipaque 240).</p>\n"
        h += "<table><tr><th></th>" + r.approaches.map { "<th>\(e($0.target))</th>" }.joined() + "</tr>\n"
        func row(_ name: String, _ value: (CaseRecord.Approach) -> String) {
            h += "<tr><td>\(name)</td>" + r.approaches.map { "<td>\(value($0))</td>" }.joined() + "</tr>\n"
        }
        row("Needle") { e($0.needle) }
        row("Target") { e($0.targetStructure) }
        row("Probe") { "rotated \(f($0.probeRotationDeg, 0))°, tilted \(f($0.probeTiltDeg, 0))°" }
        row("Entry beyond the probe's cranial end") { "\(f($0.entryOffsetFromProbeMm)) mm" }
        row("Depth to target along the needle") { "\(f($0.depthToTargetMm)) mm" }
        row("Angle to the probe face / to the skin") { "\(f($0.angleToProbeFaceDeg, 0))° / \(f($0.angleToSkinDeg, 0))°" }
        row("Clearance: dura, nerve roots, facet capsule") { a in ["dura", "nerveRoot", "facetJoint"].map { f(a.clearancesMm[$0] ?? .nan) }.joined(separator: ", ") + " mm" }
        row("Rehearsal: tip in view / steps") { "\(f(100 * $0.rehearsalVisibleFraction, 0)) % of \($0.rehearsalSteps)" }
        row("Tip-to-target error") { "\(f($0.tipToTargetMm)) mm" }
        row("Injectate") { a in a.injectate.map { "\(e($0.drug)) \(f($0.volumeMl, 2)) mL (\(f($0.mg, 1)) mg)" }.joined(separator: "<br>") }
        h += "</table>\n"
        let reached = r.contrast.reachedMl.sorted { $0.value > $1.value }.map { "\(e($0.key)) \(f($0.value, 2)) mL" }.joined(separator: ", ")
        h += "<p>Contrast (\(e(r.contrast.side))): \(f(r.contrast.injectedMl, 2)) mL of iohexol 240 mg I/mL; simulated spread: \(reached).</p>\n"
        h += """
        <p>Radiation (simulated confirmation): \(rad.exposures) exposures, \(f(rad.totalMAs, 0)) mAs, reference air kerma \(f(rad.referenceAirKermaMGy, 2)) mGy,
        dose–area product \(f(rad.doseAreaProductMGyCm2, 0)) mGy·cm². Guiding both needles by fluoroscopy instead would add about \(f(avoidedSeconds, 0)) s of
        fluoroscopy (42 s per pars, published geometric mean) — the time ultrasound guidance avoided.</p>
        """
        for w in Set(r.approaches.flatMap(\.warnings)).sorted() { h += "<p class=\"note\">Planner: \(e(w)).</p>\n" }
        h += "</section>\n"
        // 10 Follow-up and outcomes
        h += """
        <section id="follow-up-and-outcomes"><h2>Follow-up and outcomes</h2>
        <table><tr><th>Measure</th><th>Baseline</th><th>\(o.followUpMonths) months</th><th>Change</th></tr>
        <tr><td>Oswestry Disability Index (v2.1a)</td><td>\(o.baselineODI)/50 = \(f(o.baselineODIPercent, 0)) % (\(o.baselineBand))</td>
        <td>\(o.followUpODI)/50 = \(f(o.followUpODIPercent, 0)) % (\(o.followUpBand))</td><td>\(f(o.changePoints, 0)) points, \(f(o.changePercent, 0)) %</td></tr>
        <tr><td>Global perceived improvement</td><td>—</td><td>\(e(o.globalPerceivedChange))</td><td></td></tr></table>
        <p>The minimal important change (\(f(o.minimalImportantChangePoints, 0)) points or \(f(o.minimalImportantChangePercent, 0)) % of baseline; Ostelo 2008) is
        \(o.importantImprovement ? "reached" : "not reached"). No adverse events were recorded.</p></section>

        """
        // 11 Discussion, with the figures
        h += """
        <section id="discussion"><h2>Discussion</h2>
        <p>Strengths: the whole approach — probe positions, needle path, contrast and confirming views — is reproduced from a labelled model of the
        patient's habitus, so the plan's numbers (entry, angle, depth, clearances) can be checked before the procedure and the fluoroscopy kept
        to confirmation. Limitations: a single case; the anatomy is a population-mean model scaled to the habitus, not the patient's own imaging;
        the simulated needle echo fades beyond about 30° from perpendicular to the beam; contrast spread follows an ordering of tissues, not
        pressures. Larger cohorts with standardised outcome measures (the registry kept with this report) are needed.</p>

        """
        for (group, title) in [("fig1", "Figure 1. Ultrasound views and their 3D illustrations."), ("fig2", "Figure 2. Fluoroscopic views and their 3D illustrations.")] {
            h += "<figure><div class=\"panels\">\n"
            for fig in r.figures where fig.id.hasPrefix(group) {
                h += "<img src=\"\(e(fig.file))\" width=\"\(fig.width)\" height=\"\(fig.height)\" alt=\"\(e(fig.caption))\">\n"
            }
            h += "</div><figcaption><b>\(title)</b> " + r.figures.filter { $0.id.hasPrefix(group) }.map { "(\($0.id.suffix(1).uppercased())) \(e($0.caption))" }.joined(separator: " ") + "</figcaption></figure>\n"
        }
        h += "<p class=\"note\">\(e(r.simulationStatement))</p></section>\n"
        // 12 Patient perspective
        h += "<section id=\"patient-perspective\"><h2>Patient perspective</h2><p>The patient reported \(e(o.globalPerceivedChange)) improvement at \(o.followUpMonths) months. (No further account is available to this simulation.)</p></section>\n"
        // 13 Informed consent
        h += "<section id=\"informed-consent\"><h2>Informed consent</h2><p>The published case states the patient's consent to publication. This report is generated from a simulated, de-identified record; no personal data are included.</p></section>\n"
        h += "<footer><p>Generated by ParsGuide (seed \(r.seed)); numbers in case.json; registry in \(e(r.registryFile)).</p></footer>\n</body></html>\n"
        return h
    }
}
