#!/usr/bin/env bash
# Browser test of the web simulator: builds a 1 mm subject, starts `parsguide serve`, loads the page in
# headless Chromium (installed from the OS packages when missing) with its scripted demo (preset → plan
# → advance the needle → AP shot → 3D), and fails unless the page reports changed images and no errors.
# Usage: scripts/check-web.sh [SCREENSHOT.png]   (also writes a screenshot of the page there)
#        WEB_SUBJECT=patient-ct scripts/check-web.sh   (the subject built by `parsguide subject` from the
#        example CT in ../shared/data instead of the phantom)
set -euo pipefail
cd "$(dirname "$0")/.."
shot="${1:-}"
bin=.build/release/parsguide
[ -x "$bin" ] || swift build -c release --product parsguide >/dev/null
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "installing chromium from the OS packages…" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
  browser=$(command -v chromium)
fi
work=$(mktemp -d)
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
if [ "${WEB_SUBJECT:-phantom}" = patient-ct ]; then
  example=../shared/data/totalsegmentator-example
  "$bin" subject --ct "$example/ct.nii.gz" --masks "$example/masks" --out "$work/subject" --voxel-mm 1 >/dev/null 2>&1
else
  "$bin" phantom --out "$work/subject" --voxel-mm 1 >/dev/null 2>&1
fi
"$bin" serve --port "$port" --subject "$work/subject" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.5; done
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=60000 --window-size=1280,1100)
"$browser" "${flags[@]}" --dump-dom "http://127.0.0.1:$port/?demo=1" 2>"$work/chromium.log" >"$work/dom.html" || true
status=$(python3 -c "import re,sys; m=re.search(r'<span id=\"status\">([^<]*)</span>', open(sys.argv[1]).read()); print(m.group(1) if m else 'no status')" "$work/dom.html")
echo "page status: $status"
if [ -n "$shot" ]; then
  "$browser" "${flags[@]}" --screenshot="$shot" "http://127.0.0.1:$port/?demo=1" 2>/dev/null >/dev/null || true
  echo "screenshot: $shot"
fi
case "$status" in
  *"demo done"*"changed true"*"fluoroscopy shots 1"*"errors 0"*) echo "web simulator OK" ;;
  *) echo "web simulator check failed" >&2; tail -20 "$work/server.log" >&2; exit 1 ;;
esac
