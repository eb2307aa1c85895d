extension CaseReport {
    /// The report page as a Mustache template (swift-mustache; `{{x}}` is HTML-escaped, sections repeat over
    /// lists and show or hide on booleans) over a `CaseReportView`. The CARE headings must follow
    /// `careSections`, in order.
    static let templateText = #"""
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}}</title>
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

    <section id="title"><h2>Title</h2><h1>{{title}}</h1></section>
    <section id="keywords"><h2>Keywords</h2><p>spondylolysis; pars interarticularis; ultrasound-guided injection; fluoroscopy; case report</p></section>

    <section id="abstract"><h2>Abstract</h2>
    {{#published}}
    <p>A {{ageYears}}-year-old {{sex}} ({{heightCm}} cm, {{weightKg}} kg, BMI {{bmi}}) with low back pain and {{defectsPhrase}} (pars
    interarticularis) received ultrasound-guided injections of both {{level}} pars with a low-frequency curvilinear probe, the needle advanced
    in plane from cephalad-lateral to caudad-medial, with multiplanar fluoroscopic confirmation and a small iohexol test dose. The Oswestry
    Disability Index fell from {{baselineODI}}/50 ({{baselineODIPercent}} %, {{baselineBand}}) to {{followUpODI}}/50 ({{followUpODIPercent}} %,
    {{followUpBand}}) at {{followUpMonths}} months, a change of {{changePoints}} points ({{changePercent}} %) that
    {{#importantImprovement}}reaches{{/importantImprovement}}{{^importantImprovement}}does not reach{{/importantImprovement}} the minimal important change, with {{globalPerceivedChange}} global perceived improvement.
    Lesson: ultrasound can guide the needle onto a pars defect and keep fluoroscopy to a few confirming shots.</p>
    {{/published}}
    {{^published}}
    <p>A rehearsal, on {{anatomySentence}}, of ultrasound-guided injections of {{plannedPars}} interarticularis ({{defectsPhraseInline}} on
    this anatomy) with a low-frequency curvilinear probe, the needle advanced in plane from cephalad-lateral to caudad-medial, with
    multiplanar fluoroscopic confirmation and a small iohexol test dose. The planned needles reach the pars at {{depthsToTarget}} along
    the shaft; the rotated probe shows {{parsViewShows}}. Nothing was done to a patient: no clinical findings or outcome are reported.</p>
    {{/published}}
    </section>

    <section id="introduction"><h2>Introduction</h2>
    <p>Spondylolysis, a defect of the pars interarticularis, lies at L5 in about nine of ten cases and is bilateral in most symptomatic ones.
    Injections of the defect are usually guided by fluoroscopy (a published series reports a geometric mean of 42 s of fluoroscopy per pars
    injected) or CT. Ultrasound shows the posterior elements of the lumbar spine without radiation; this report describes an ultrasound-guided
    approach to the defect confirmed by fluoroscopy, reproduced here with ParsGuide.</p></section>

    <section id="patient-information"><h2>Patient information</h2>
    {{#hasDemographics}}
    <p>De-identified: patient {{patientID}}, {{sex}}, {{ageYears}} years, {{heightCm}} cm, {{weightKg}} kg,
    BMI {{bmi}} ({{bmiBand}}). Pars defects: {{defects}}.{{#published}} Main complaint: mechanical low back pain,
    worse on extension.{{/published}}</p>
    {{/hasDemographics}}
    {{^hasDemographics}}
    <p>De-identified: patient {{patientID}}; sex, age, height and weight were not given. Pars defects: {{defects}}.</p>
    {{/hasDemographics}}
    <p>Anatomy: {{anatomySentence}}.</p></section>

    <section id="clinical-findings"><h2>Clinical findings</h2>
    {{#published}}<table><tr><th>Examination</th><th>Result</th></tr>
    {{#findings}}
    <tr><td>{{name}}</td><td>{{value}}</td></tr>
    {{/findings}}
    </table>{{/published}}
    {{^published}}<p>None recorded: this is a rehearsal on the anatomy alone.</p>{{/published}}
    </section>

    <section id="timeline"><h2>Timeline</h2><table><tr><th>Date</th><th>Event</th></tr>
    {{#timeline}}
    <tr><td>{{name}}</td><td>{{value}}</td></tr>
    {{/timeline}}
    </table>{{#published}}<p class="note">Dates are illustrative: the published case gives intervals, not dates.</p>{{/published}}</section>

    <section id="diagnostic-assessment"><h2>Diagnostic assessment</h2>
    <p>{{defectsPhrase}}; {{obliqueSentence}}
    {{#published}}Differential diagnosis: facet arthropathy, discogenic pain, sacroiliac joint pain. {{/published}}The sagittal ultrasound over the L4–S1 facets and the
    pars view after rotating the probe show {{parsViewShows}} (Figure 1).</p>
    </section>

    <section id="therapeutic-intervention"><h2>Therapeutic intervention</h2>
    <p>Prone. Low-frequency curvilinear probe placed sagittally over the L4–S1 facets, then rotated about 30° (counter-clockwise for the left, clockwise for the right). Needle in plane, cephalad-lateral → caudad-medial, onto the pars{{#hasDefects}} defect{{/hasDefects}}; then multiplanar fluoroscopy (AP, ipsilateral oblique, lateral) and iohexol (Omnipaque 240).</p>
    <table><tr><th></th>{{#approachTargets}}<th>{{.}}</th>{{/approachTargets}}</tr>
    {{#approachRows}}
    <tr><td>{{name}}</td>{{#cells}}<td>{{#lines}}{{.}}{{^last()}}<br>{{/last()}}{{/lines}}</td>{{/cells}}</tr>
    {{/approachRows}}
    </table>
    <p>Contrast ({{contrastSide}}): {{contrastInjectedMl}} mL of iohexol 240 mg I/mL; simulated spread: {{contrastReached}}.</p>
    <p>Radiation (simulated confirmation): {{exposures}} exposures, {{totalMAs}} mAs, reference air kerma {{referenceAirKermaMGy}} mGy,
    dose–area product {{doseAreaProductMGyCm2}} mGy·cm². Guiding {{#twoNeedles}}both needles{{/twoNeedles}}{{^twoNeedles}}the needle{{/twoNeedles}} by fluoroscopy instead would add about {{avoidedFluoroscopySeconds}} s of
    fluoroscopy (42 s per pars, published geometric mean) — the time ultrasound guidance avoided.</p>
    {{#unplanned}}
    <p class="note">No safe in-plane path reaches {{.}}.</p>
    {{/unplanned}}
    {{#plannerWarnings}}
    <p class="note">Planner, {{.}}.</p>
    {{/plannerWarnings}}
    </section>

    <section id="follow-up-and-outcomes"><h2>Follow-up and outcomes</h2>
    {{#published}}
    <table><tr><th>Measure</th><th>Baseline</th><th>{{followUpMonths}} months</th><th>Change</th></tr>
    <tr><td>Oswestry Disability Index (v2.1a)</td><td>{{baselineODI}}/50 = {{baselineODIPercent}} % ({{baselineBand}})</td>
    <td>{{followUpODI}}/50 = {{followUpODIPercent}} % ({{followUpBand}})</td><td>{{changePoints}} points, {{changePercent}} %</td></tr>
    <tr><td>Global perceived improvement</td><td>—</td><td>{{globalPerceivedChange}}</td><td></td></tr></table>
    <p>The minimal important change ({{minimalImportantChangePoints}} points or {{minimalImportantChangePercent}} % of baseline; Ostelo 2008) is
    {{#importantImprovement}}reached{{/importantImprovement}}{{^importantImprovement}}not reached{{/importantImprovement}}. No adverse events were recorded.</p>
    {{/published}}
    {{^published}}<p>None: nothing was done to a patient. Record the procedure and its outcome with <code>parsguide registry</code> once it is performed.</p>{{/published}}
    </section>

    <section id="discussion"><h2>Discussion</h2>
    <p>Strengths: the whole approach — probe positions, needle path, contrast and confirming views — is reproduced from {{#fromPatientCT}}the patient's own CT, labelled{{/fromPatientCT}}{{^fromPatientCT}}a labelled model of the
    patient's habitus{{/fromPatientCT}}, so the plan's numbers (entry, angle, depth, clearances) can be checked before the procedure and the fluoroscopy kept
    to confirmation. Limitations: a single case; {{#fromPatientCT}}the anatomy is the patient's CT, but its soft tissue is classed by Hounsfield ranges, and the
    canal contents, facet joint spaces and nerve roots are modelled from the vertebrae, not imaged;{{/fromPatientCT}}{{^fromPatientCT}}the anatomy is a population-mean model scaled to the habitus, not the patient's own imaging;{{/fromPatientCT}}
    the simulated needle echo fades beyond about 30° from perpendicular to the beam; contrast spread follows an ordering of tissues, not
    pressures. Larger cohorts with standardised outcome measures{{#registryFile}} (the registry kept with this report){{/registryFile}} are needed.</p>
    {{#figureGroups}}
    <figure><div class="panels">
    {{#panels}}
    <img src="{{file}}" width="{{width}}" height="{{height}}" alt="{{caption}}">
    {{/panels}}
    </div><figcaption><b>{{title}}</b> {{#captions}}{{.}}{{^last()}} {{/last()}}{{/captions}}</figcaption></figure>
    {{/figureGroups}}
    <p class="note">{{simulationStatement}}</p></section>
    <section id="patient-perspective"><h2>Patient perspective</h2><p>{{#published}}The patient reported {{globalPerceivedChange}} improvement at {{followUpMonths}} months. (No further account is available to this simulation.){{/published}}{{^published}}None: a rehearsal has no patient account.{{/published}}</p></section>
    <section id="informed-consent"><h2>Informed consent</h2><p>{{#published}}The published case states the patient's consent to publication. {{/published}}{{^published}}{{#fromPatientCT}}Use of the patient's CT for this rehearsal is governed by the consent under which it was acquired. {{/fromPatientCT}}{{/published}}This report is generated from a simulated, de-identified record; no personal data are included.</p></section>
    <footer><p>Generated by ParsGuide (seed {{seed}}); numbers in case.json{{#registryFile}}; registry in {{.}}{{/registryFile}}.</p></footer>
    </body></html>

    """#
}
