#!/usr/bin/env bash
# Plans L5-left and L5-right on the flagship man (177 cm) at BMI 18–40 and prints one row per plan:
# the needle chosen, the path length, the angle to the probe face and any warning — or why no plan.
# Usage: scripts/bmi-sweep.sh [VOXEL_MM]   (default 0.5, the default subject's voxel)
set -euo pipefail
cd "$(dirname "$0")/.."
voxel="${1:-0.5}"
swift build -c release --product parsguide >/dev/null
bin=.build/release/parsguide
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf "| BMI | weight kg | target | skin → pars mm | needle | path mm | ° to probe face | entry beyond probe mm | notes |\n|---|---|---|---|---|---|---|---|---|\n"
for bmi in 18 21 23.7 27 30 35 40; do
  weight=$(python3 -c "print(round($bmi * 1.77 ** 2, 1))")
  "$bin" phantom --out "$work/s" --weight-kg "$weight" --voxel-mm "$voxel" --force >/dev/null 2>&1
  for target in L5-left L5-right; do
    if "$bin" plan --subject "$work/s" --target "$target" --out "$work/p.json" >"$work/log" 2>&1; then
      python3 - "$bmi" "$weight" "$target" "$work/p.json" "$work/s/subject.json" <<'PY'
import json, sys
bmi, w, t, path, subject = sys.argv[1:6]
p = json.load(open(path))
lm = json.load(open(subject))["landmarks"]
level, side = t.split("-")
depth = lm[f"{level}.{side}.skinOverPars"][1] - lm[f"{level}.{side}.pars"][1]
notes = "; ".join(x for x in p["warnings"] if "facet" not in x) or "—"
print(f"| {bmi} | {w} | {t} | {depth:.1f} | {p['needle']['gauge']}G {p['needle']['lengthMm']:.1f} mm | {p['depthToTargetMm']:.1f} | {p['angleToProbeFaceDeg']:.0f} | {p['entryOffsetFromProbeMm']:.1f} | {notes} |")
PY
    else
      printf "| %s | %s | %s | — | — | — | — | — | no plan: %s |\n" "$bmi" "$weight" "$target" "$(tr '\n' ' ' < "$work/log" | sed 's/Error: //')"
    fi
  done
done
