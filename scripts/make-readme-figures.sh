#!/usr/bin/env bash
# Regenerates every figure the README shows from the release build: the phantom slices, the annotated
# ultrasound views, the fluoroscopy shots with a needle, the rehearsal and confirmation figures of the
# procedure, the case panels and the web simulator. Usage: scripts/make-readme-figures.sh   (about 3 minutes
# on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product parsguide >/dev/null
bin=.build/release/parsguide
work=.build/readme-figures
subject=.build/flagship-subject
mkdir -p "$work"
"$bin" phantom --out "$subject" --force >/dev/null

# Phantom slices.
"$bin" slice --subject "$subject" --plane sagittal --at-mm 0 --out docs/phantom-midsagittal.png
"$bin" slice --subject "$subject" --plane axial --at-landmark L5.left.pars --out docs/phantom-axial-L5-pars.png
"$bin" slice --subject "$subject" --volume ct --plane sagittal --at-landmark L5.left.pars --out docs/phantom-ct-sagittal-L5-left-pars.png

# Ultrasound views, annotated, and the ground truth of the left oblique one.
for side in left right; do
  for view in sagittal-facets pars-oblique; do
    "$bin" ultrasound --subject "$subject" --view "$view" --level L5 --side "$side" --depth-mm 80 --size 640x370 \
      --annotate --display scanner --out "docs/images/us-$view-$side.png" >/dev/null
  done
done
"$bin" ultrasound --subject "$subject" --view pars-oblique --level L5 --side left --depth-mm 80 --size 640x370 \
  --out "$work/us.png" --labels-out docs/images/us-pars-oblique-left-labels.png >/dev/null

# Fluoroscopy with a needle on the left L5 pars.
scripts/make-fluoro-figures.sh "$subject" >/dev/null

# The procedure: plan, rehearsal, contrast, confirmation.
"$bin" plan --subject "$subject" --target L5-left --out "$work/plan.json" >/dev/null
"$bin" insert --subject "$subject" --plan "$work/plan.json" --out "$work/insert" --force >/dev/null
"$bin" inject --subject "$subject" --plan "$work/plan.json" --out "$work/inject" --force >/dev/null
"$bin" confirm --subject "$subject" --plan "$work/plan.json" --contrast "$work/inject/contrast.nii.gz" \
  --out "$work/confirm" --force >/dev/null
cp "$work/insert/insertion.png" docs/images/insertion-L5-left.png
cp "$work/confirm/fl-ap-contrast.png" docs/images/confirm-ap-contrast-L5-left.png
cp "$work/confirm/fl-lateral-contrast.png" docs/images/confirm-lateral-contrast-L5-left.png

# The case panels.
"$bin" case --out "$work/case" --force >/dev/null
for f in fig1c fig1d fig2c fig2d fig2e fig2f; do cp "$work/case/figures/$f.png" "docs/images/case-$f.png"; done
# The web simulator after its scripted demo, in headless Chromium.
scripts/check-web.sh docs/images/web-simulator.png >/dev/null
echo "regenerated the README figures"
