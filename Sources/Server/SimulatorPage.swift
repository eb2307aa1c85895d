import Devices
import Mustache
import ParsGuideCore
import Procedure
import Session
import Ultrasound

/// The single page of the simulator (no external resources), rendered once from a Mustache template: each
/// number field's range, unit and starting value come from the library's declaration of that parameter,
/// so the page offers exactly what the API accepts.
enum SimulatorPage {
    static let html: String = {
        do { return try MustacheTemplate(string: template).render(fields.mapValues(\.attributes)) } catch { fatalError("simulator page template: \(error)") }
    }()

    /// A number field: the parameter it sets, the value it starts at and the step of its arrows.
    struct NumberField {
        let parameter: PhysicalParameter
        let value: Double
        let step: Double

        /// The input's attributes: type, value, min, max, step and a title naming the parameter and its range.
        var attributes: String {
            let number = PhysicalParameter.typed
            return #"type="number" value="\#(number(value))" min="\#(number(parameter.range.lowerBound))" "#
                + #"max="\#(number(parameter.range.upperBound))" step="\#(number(step))" title="\#(parameter.name), \#(parameter.allowedText)""#
        }
    }

    /// The page's number fields by element id (each id appears once in `template` as `{{{id}}}`).
    static let fields: [String: NumberField] = [
        "depth": NumberField(parameter: BModeSettings.depth, value: BModeSettings().depthMm, step: 1),
        "gain": NumberField(parameter: BModeSettings.gain, value: BModeSettings().gainDB, step: 1),
        "focus": NumberField(parameter: BModeSettings.focus, value: BModeSettings().focusMm, step: 1),
        "offset": NumberField(parameter: ProcedureSession.entryOffset, value: ProcedureSession.defaultEntryOffsetMm, step: 1),
        "angle": NumberField(parameter: ProcedureSession.needleAngle, value: ProcedureSession.defaultNeedleAngleDeg, step: 1),
        // The step the page starts at, 2 mm: chosen (a deliberate advance under ultrasound).
        "step": NumberField(parameter: Insertion.step, value: 2, step: 0.1),
        "volume": NumberField(parameter: ContrastSpread.volume, value: ContrastSpread.confirmationVolumeMl, step: 0.01),
        "obl": NumberField(parameter: CArm.View.obliqueAngle, value: CArm.View.defaultObliqueDegrees, step: 1),
        "cra": NumberField(parameter: CArm.View.cranialTilt, value: 0, step: 1),
    ]

    static let template = #"""
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ParsGuide simulator</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #15181d; color: #e8e8e8; }
header { padding: .5em 1em; background: #20252c; display: flex; gap: 1em; align-items: baseline; }
header b { font-size: 1.1em; } main { display: grid; grid-template-columns: 1fr 1fr; gap: .8em; padding: .8em; }
.panel { background: #1c2027; border-radius: 6px; padding: .6em; }
img.view { width: 100%; max-width: 512px; aspect-ratio: 1; background: #000; display: block; margin: 0 auto; }
img.ill { width: 100%; max-width: 480px; aspect-ratio: 4/3; background: #f6f6f4; display: block; margin: 0 auto; }
button { background: #2f3743; color: #eee; border: 1px solid #45505e; border-radius: 4px; padding: .3em .6em; margin: .15em; cursor: pointer; }
button:hover { background: #3a4452; } label { margin-right: .6em; } input[type=number] { width: 4.5em; }
.readout { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; color: #cfe; }
.events { color: #ffb070; } kbd { background: #333; border-radius: 3px; padding: 0 .3em; }
</style></head><body>
<header><b>ParsGuide</b><span>ultrasound-guided pars injection — rehearsal</span><span id="status">starting…</span></header>
<main>
<section class="panel"><h3>Ultrasound</h3><img id="us" class="view" alt="ultrasound">
<div><label>level <select id="level"><option>L1</option><option>L2</option><option>L3</option><option>L4</option><option selected>L5</option></select></label>
<button data-preset="sagittal-facets-left">Sagittal facets L</button><button data-preset="sagittal-facets-right">Sagittal facets R</button>
<button data-preset="pars-oblique-left">Pars oblique L</button><button data-preset="pars-oblique-right">Pars oblique R</button>
<button data-preset="transverse-left">Transverse L</button><button data-preset="transverse-right">Transverse R</button></div>
<div><button data-probe='{"slideMm":2}'>▲ cranial</button><button data-probe='{"slideMm":-2}'>▼ caudal</button>
<button data-probe='{"acrossMm":2}'>◀ left</button><button data-probe='{"acrossMm":-2}'>▶ right</button>
<button data-probe='{"rotateDeg":5}'>⟲ 5°</button><button data-probe='{"rotateDeg":-5}'>⟳ 5°</button>
<button data-probe='{"tiltDeg":3}'>tilt +3°</button><button data-probe='{"tiltDeg":-3}'>tilt −3°</button></div>
<div><label>depth <input id="depth" {{{depth}}}> mm</label><label>gain <input id="gain" {{{gain}}}> dB</label>
<label>focus <input id="focus" {{{focus}}}> mm</label><button id="apply">apply</button></div>
<h3>Needle</h3>
<div><label>entry <input id="offset" {{{offset}}}> mm beyond the probe</label><label>angle <input id="angle" {{{angle}}}>°</label>
<button id="entry">set entry</button><button id="redirect">set angle</button><button id="plan">use plan</button></div>
<div><label>step <input id="step" {{{step}}}> mm</label><button id="advance">advance</button><button id="withdraw">withdraw</button>
<button id="inject">inject contrast</button><label><input id="volume" {{{volume}}}> mL</label></div>
<div id="needle" class="readout"></div><div id="events" class="readout events"></div>
<p>Keys: <kbd>↑↓←→</kbd> slide, <kbd>q</kbd>/<kbd>e</kbd> rotate, <kbd>w</kbd>/<kbd>s</kbd> tilt, <kbd>+</kbd>/<kbd>−</kbd> advance/withdraw, <kbd>a</kbd>/<kbd>o</kbd>/<kbd>l</kbd> AP/oblique/lateral shot.</p>
</section>
<section class="panel"><h3>Fluoroscopy</h3><img id="fl" class="view" alt="fluoroscopy">
<div><button data-view="ap">AP</button><button data-view="oblique">Oblique</button><button data-view="lateral">Lateral</button>
<label>C-arm oblique <input id="obl" {{{obl}}}>°</label><label>cranial <input id="cra" {{{cra}}}>°</label></div>
<div id="dose" class="readout"></div>
<h3>3D</h3><img id="ill" class="ill" alt="3D illustration"><div><button id="refresh3d">refresh 3D</button><button id="metrics">session metrics</button></div>
<div><label>patient id <input id="patient" size="10" value="CASE-1"></label><label>date <input id="date" type="date"></label><button id="save">save to registry</button></div>
<div id="metricsOut" class="readout"></div>
</section></main>
<script>
"use strict";
let sid = null, state = null, errors = [], changed = {us: 0, fl: 0};
window.onerror = (m) => { errors.push(String(m)); };
const $ = (id) => document.getElementById(id);
async function api(path, method = "GET", body) {
  const r = await fetch(`/api/sessions/${sid}${path}`, {method, headers: {"Content-Type": "application/json"}, body: body ? JSON.stringify(body) : undefined});
  if (!r.ok) { const e = await r.json().catch(() => ({})); throw new Error(e.error ? e.error.message : r.statusText); }
  return r;
}
function show(s) {
  state = s;
  const n = s.needle;
  $("needle").textContent = n ? `inserted ${n.insertedMm.toFixed(1)} mm · tip depth ${n.tipDepthMm.toFixed(1)} mm · to target ${n.tipToTargetMm.toFixed(1)} mm · ${n.visible ? "tip in the imaged slice" : "tip OUT of the imaged slice"} · in ${n.tissue}` : "no needle";
  if (n && n.events.length) $("events").textContent = n.events.join(", ");
  $("dose").textContent = `${s.exposures} exposures · reference air kerma ${s.referenceAirKermaMGy.toFixed(2)} mGy · target ${s.target} · preset ${s.preset}`;
  $("level").value = s.target.split("-")[0];
}
async function refreshUS() {
  const r = await api("/ultrasound.png"); const url = URL.createObjectURL(await r.blob());
  const old = $("us").src; $("us").src = url; if (old) URL.revokeObjectURL(old); changed.us++;
}
async function act(f) { try { await f(); $("status").textContent = "ready"; } catch (e) { $("status").textContent = "⚠ " + e.message; } }
async function probe(change) { show(await (await api("/probe", "POST", change)).json()); await refreshUS(); }
async function needle(body) { show(await (await api("/needle", "POST", body)).json()); await refreshUS(); }
async function shot(view) {
  const v = view === "oblique" ? (state && state.target.endsWith("right") ? "oblique-right" : "oblique-left") : view;
  const r = await api("/fluoro", "POST", {view: v, obliqueDeg: Number($("obl").value), cranialDeg: Number($("cra").value)});
  $("fl").src = URL.createObjectURL(await r.blob()); changed.fl++;
  $("dose").textContent = `${r.headers.get("X-ParsGuide-Exposures")} exposures · reference air kerma ${Number(r.headers.get("X-ParsGuide-Total-Reference-Air-Kerma-mGy")).toFixed(2)} mGy · DAP ${r.headers.get("X-ParsGuide-Total-DAP-mGy-cm2")} mGy·cm²`;
}
document.querySelectorAll("[data-preset]").forEach(b => b.onclick = () => act(() => probe({preset: b.dataset.preset})));
$("level").onchange = () => act(async () => {
  try { await probe({level: $("level").value}); } catch (e) { $("level").value = state.target.split("-")[0]; throw e; }
});
document.querySelectorAll("[data-probe]").forEach(b => b.onclick = () => act(() => probe(JSON.parse(b.dataset.probe))));
document.querySelectorAll("[data-view]").forEach(b => b.onclick = () => act(() => shot(b.dataset.view)));
$("apply").onclick = () => act(() => probe({depthMm: Number($("depth").value), gainDB: Number($("gain").value), focusMm: Number($("focus").value)}));
$("entry").onclick = () => act(() => needle({action: "entry", offsetMm: Number($("offset").value), angleDeg: Number($("angle").value)}));
$("redirect").onclick = () => act(() => needle({action: "angle", angleDeg: Number($("angle").value)}));
$("plan").onclick = () => act(() => needle({action: "use-plan"}));
$("advance").onclick = () => act(() => needle({action: "advance", mm: Number($("step").value)}));
$("withdraw").onclick = () => act(() => needle({action: "withdraw", mm: Number($("step").value)}));
$("inject").onclick = () => act(async () => { const r = await (await api("/contrast", "POST", {volumeMl: Number($("volume").value)})).json();
  $("events").textContent = "contrast: " + Object.entries(r.reachedMl).map(([k, v]) => `${k} ${v.toFixed(2)} mL`).join(", "); });
$("refresh3d").onclick = () => act(async () => { const r = await api("/illustration.png"); $("ill").src = URL.createObjectURL(await r.blob()); });
$("save").onclick = () => act(async () => { const r = await (await api("/save", "POST", {patientId: $("patient").value, date: $("date").value})).json();
  $("metricsOut").textContent = `saved as procedure ${r.procedureId}`; });
$("date").value = new Date().toISOString().slice(0, 10);
$("metrics").onclick = () => act(async () => { $("metricsOut").textContent = JSON.stringify(await (await api("/metrics")).json(), null, 1); });
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
  const keys = {ArrowUp: {slideMm: 2}, ArrowDown: {slideMm: -2}, ArrowLeft: {acrossMm: 2}, ArrowRight: {acrossMm: -2}, q: {rotateDeg: 5}, e: {rotateDeg: -5}, w: {tiltDeg: 3}, s: {tiltDeg: -3}};
  if (keys[e.key]) { e.preventDefault(); act(() => probe(keys[e.key])); }
  else if (e.key === "+") act(() => needle({action: "advance", mm: Number($("step").value)}));
  else if (e.key === "-") act(() => needle({action: "withdraw", mm: Number($("step").value)}));
  else if (e.key === "a") act(() => shot("ap")); else if (e.key === "o") act(() => shot("oblique")); else if (e.key === "l") act(() => shot("lateral"));
});
(async () => {
  try {
    const r = await fetch("/api/sessions", {method: "POST"}); const s = await r.json(); sid = s.id; show(s); await refreshUS();
    $("status").textContent = "ready";
    if (new URLSearchParams(location.search).has("demo")) {
      // A scripted run for the browser test: preset → plan entry → advance → AP shot → 3D.
      const first = $("us").src;
      await probe({preset: "pars-oblique-left"}); await needle({action: "use-plan"});
      for (let i = 0; i < 5; i++) await needle({action: "advance", mm: 8});
      await shot("ap"); await $("refresh3d").onclick();
      await new Promise(res => setTimeout(res, 300));
      $("status").textContent = `demo done: ultrasound frames ${changed.us}, changed ${$("us").src !== first}, fluoroscopy shots ${changed.fl}, errors ${errors.length}${errors.length ? ": " + errors.join("; ") : ""}`;
    }
  } catch (e) { errors.push(e.message); $("status").textContent = "⚠ " + e.message; }
})();
</script></body></html>
"""#
}
