#!/usr/bin/env bash
# Opens a case report in headless Chromium (installed from the OS packages when missing), prints it to
# PDF and screenshots it, and fails unless both are non-empty, the page shows content and Chromium
# logged no page error.
# Usage: scripts/check-report.sh DIR   (DIR holds report.html, e.g. the output of `parsguide case`)
set -euo pipefail
dir=$(cd "${1:?usage: scripts/check-report.sh DIR}" && pwd)
[ -f "$dir/report.html" ] || { echo "no report.html in $dir" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "installing chromium from the OS packages…" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
  browser=$(command -v chromium)
fi
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files --enable-logging=stderr --v=0)
"$browser" "${flags[@]}" --print-to-pdf="$out/report.pdf" --no-pdf-header-footer "file://$dir/report.html" 2>"$out/pdf.log" >/dev/null || true
"$browser" "${flags[@]}" --screenshot="$out/report.png" --window-size=1200,2400 "file://$dir/report.html" 2>"$out/png.log" >/dev/null || true
python3 - "$out" "$dir" <<'PY'
import os, re, struct, sys, zlib
out = sys.argv[1]
pdf, png = os.path.join(out, "report.pdf"), os.path.join(out, "report.png")
for f in (pdf, png):
    if not os.path.exists(f) or os.path.getsize(f) < 10000:
        sys.exit(f"{os.path.basename(f)} missing or nearly empty")
pages = len(re.findall(rb"/Type\s*/Page[^s]", open(pdf, "rb").read()))
# Decode the screenshot (8-bit RGB/RGBA PNG) and require non-white content.
data = open(png, "rb").read(); i = 8; idat = b""; w = h = 0; ct = 2
while i < len(data):
    n = struct.unpack(">I", data[i:i + 4])[0]; t = data[i + 4:i + 8]; body = data[i + 8:i + 8 + n]; i += 12 + n
    if t == b"IHDR": w, h, _, ct = struct.unpack(">IIBB", body[:10])
    if t == b"IDAT": idat += body
raw = zlib.decompress(idat); bpp = 4 if ct == 6 else 3; stride = w * bpp + 1
dark = sum(1 for r in range(0, h, 4) for x in range(0, w * bpp, bpp * 4) if raw[r * stride + 1 + x] < 128)
errors = [l for f in ("pdf.log", "png.log") for l in open(os.path.join(out, f), errors="replace") if re.search(r"Uncaught|net::ERR_FILE_NOT_FOUND|Failed to load", l)]
if errors: sys.exit("page errors:\n" + "".join(errors[:10]))
html_dir = sys.argv[2]
missing = [src for src in re.findall(r'<img src="([^"]+)"', open(os.path.join(html_dir, "report.html")).read()) if not os.path.exists(os.path.join(html_dir, src))]
if missing: sys.exit("missing figures: " + ", ".join(missing))
if dark < 500: sys.exit(f"the screenshot is blank ({dark} dark samples)")
print(f"report OK: PDF {os.path.getsize(pdf)} bytes, {pages} pages; screenshot {w}×{h} with {dark} dark samples; no page errors")
PY
