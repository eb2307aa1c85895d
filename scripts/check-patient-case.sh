#!/usr/bin/env bash
# The case as a rehearsal on the example patient CT: `subject` at 1 mm, `case --subject`, its report in
# headless Chromium (scripts/check-report.sh), and case.json saying where the anatomy comes from, with no
# outcome and no registry.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/parsguide
[ -x "$bin" ] || swift build -c release --product parsguide >/dev/null
example=../shared/data/totalsegmentator-example
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" subject --ct "$example/ct.nii.gz" --masks "$example/masks" --voxel-mm 1 --out "$work/S" 2>/dev/null
"$bin" case --subject "$work/S" --out "$work/case" 2>/dev/null
scripts/check-report.sh "$work/case"
python3 - "$work/case" <<'PY'
import json, os, sys
d = sys.argv[1]
r = json.load(open(os.path.join(d, "case.json")))
assert r["anatomy"]["kind"] == "patient-ct" and r["anatomy"]["voxelMm"] == 1, r["anatomy"]
assert "outcome" not in r and "registryFile" not in r, "a rehearsal reports no outcome and no registry"
assert not os.path.exists(os.path.join(d, "parsguide.sqlite"))
html = open(os.path.join(d, "report.html")).read()
assert "resampled to 1.0 mm voxels" in html and "17/50" not in html
print("patient-CT case OK:", ", ".join(f"{a['target']} {a['depthToTargetMm']:.1f} mm" for a in r["approaches"]),
      "; no path:", ", ".join(u["target"] for u in r.get("unplanned", [])) or "none")
PY
