#!/usr/bin/env bash
# Renders the same CT with the same C-arm geometry in ParsGuide and in plastimatch (its exact CPU
# ray tracer), then prints both render times, their ratio and the normalised cross-correlation of the
# two line-integral images. Needs Debian/Ubuntu (plastimatch from the OS packages), Python 3 with
# numpy and nibabel, and a release build (`swift build -c release`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v plastimatch >/dev/null; then
    echo "installing plastimatch from the OS packages" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq plastimatch >/dev/null
fi
python3 -c "import numpy, nibabel" 2>/dev/null || python3 -m pip install --quiet numpy nibabel
[ -x .build/release/parsguide ] || swift build -c release

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A 512×512×133 Int16 CT (0.8 × 0.8 × 2.5 mm), deliberately asymmetric so a flipped image would show.
python3 scripts/make_drr_phantom.py "$work/ct.nii.gz"

geometry=(--sad-mm 700 --sid-mm 1000 --detector-mm 300 --size 512 --isocenter 0,0,0 --source-dir 0,-1,0 --up 0,0,1)
ours_ms=$(.build/release/parsguide fluoro --ct "$work/ct.nii.gz" "${geometry[@]}" --mono-kev 60 \
    --raw "$work/ours.nii" --out "$work/ours.png" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['renderMs'])")

pm_log=$(plastimatch drr -t pfm -r "512 512" -z "300 300" --sad 700 --sid 1000 -o "0 0 0" -n "0 -1 0" \
    --vup "0 0 1" -P preprocess -i exact -A cpu -I "$work/ct.nii.gz" -O "$work/pm" 2>&1)
pm_ms=$(echo "$pm_log" | awk '/Total time/ {print $3 * 1000}')

python3 - "$work/ours.nii" "$work/pm0000.pfm" "$ours_ms" "$pm_ms" <<'PY'
import sys, numpy as np, nibabel as nib
ours = np.asarray(nib.load(sys.argv[1]).dataobj)[:, :, 0].T   # NIfTI i = column, j = row → [row, column]
with open(sys.argv[2], 'rb') as f:
    assert f.readline().strip() == b'Pf'
    w, h = map(int, f.readline().split())
    scale = float(f.readline())
    pm = np.frombuffer(f.read(), dtype='<f4' if scale < 0 else '>f4').reshape(h, w)
def ncc(a, b):
    a = a - a.mean(); b = b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
candidates = {'as stored': pm, 'rows flipped (PFM bottom-up)': pm[::-1]}
name, best = max(((n, ncc(ours, c)) for n, c in candidates.items()), key=lambda t: t[1])
ours_ms, pm_ms = float(sys.argv[3]), float(sys.argv[4])
print(f"ParsGuide render {ours_ms:.0f} ms; plastimatch (exact, cpu) {pm_ms:.0f} ms; ratio {pm_ms / ours_ms:.2f}× faster")
print(f"normalised cross-correlation of the line integrals: {best:.5f} (plastimatch image {name})")
PY
