#!/usr/bin/env bash
# Regenerates docs/images/fl-*-needle-L5-left.png: the flagship subject with a 22G needle resting on the
# left L5 pars, entering cephalad-lateral (hub posterior, superior and lateral of the tip).
# Usage: scripts/make-fluoro-figures.sh [SUBJECT_DIR]   (built with `parsguide phantom` when absent)
set -euo pipefail
cd "$(dirname "$0")/.."
subject="${1:-.build/flagship-subject}"
swift build -c release --product parsguide >/dev/null
bin=.build/release/parsguide
[ -f "$subject/subject.json" ] || "$bin" phantom --out "$subject" --force
# Tip 3.5 mm behind the pars landmark (on its posterior cortex); hub 70 mm back along (0.3, 0.7, 0.65).
read -r tip hub < <(python3 - "$subject/subject.json" <<'PY'
import json, sys, math
p = json.load(open(sys.argv[1]))["landmarks"]["L5.left.pars"]
tip = [p[0], p[1] + 3.5, p[2]]
d = [0.3, 0.7, 0.65]; n = math.sqrt(sum(c * c for c in d))
hub = [t + 70 * c / n for t, c in zip(tip, d)]
print(",".join(f"{c:.2f}" for c in tip), ",".join(f"{c:.2f}" for c in hub))
PY
)
for view in ap oblique-left lateral; do
  "$bin" fluoro --subject "$subject" --view "$view" --isocenter L5-left --needle-tip "$tip" --needle-hub "$hub" \
    --out "docs/images/fl-$view-needle-L5-left.png"
done
