#!/usr/bin/env bash
# The plan back into 3D Slicer, end to end on the example patient CT: `subject` at 1 mm, `plan --target
# L5-left`, `export-slicer`, then real readers (scripts/check_slicer_export.py: pynrrd, Slicer's markups
# schema) and the frame: the exported L5-left pars lies on the patient's own L5 mask (its CT's LPS frame).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/parsguide
[ -x "$bin" ] || swift build -c release --product parsguide >/dev/null
example=../shared/data/totalsegmentator-example
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" subject --ct "$example/ct.nii.gz" --masks "$example/masks" --voxel-mm 1 --out "$work/S" 2>/dev/null
"$bin" plan --subject "$work/S" --target L5-left --out "$work/plan.json" 2>/dev/null
"$bin" export-slicer --subject "$work/S" --plan "$work/plan.json" --out "$work/slicer"
python3 scripts/check_slicer_export.py "$work/slicer" "$work/S"
python3 - "$work/slicer/landmarks.mrk.json" "$example/masks/vertebrae_L5.nii.gz" <<'PY'
import json, sys
import nibabel, numpy as np
points = {p["label"]: p["position"] for p in json.load(open(sys.argv[1]))["markups"][0]["controlPoints"]}
mask = nibabel.load(sys.argv[2])
lps = np.array(points["L5.left.pars"])
ijk = np.linalg.inv(mask.affine) @ np.array([-lps[0], -lps[1], lps[2], 1.0])   # LPS -> RAS -> voxel
voxels = np.argwhere(np.asarray(mask.dataobj) > 0)
distance = np.min(np.linalg.norm((voxels - ijk[:3]) * mask.header.get_zooms()[:3], axis=1))
print(f"L5.left.pars in the CT's frame lies {distance:.1f} mm from the patient's L5 mask")
assert distance <= 3.0, distance
PY
echo "Slicer export check OK"
