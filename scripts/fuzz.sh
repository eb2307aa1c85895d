#!/usr/bin/env bash
# libFuzzer over ParsGuide's readers (fuzz/): NIfTI (raw and gzip), STL, OBJ, subject.json, plan.json, DICOM (through
# GDCM, beside two intact slices so the series checks run too) and the
# web API's JSON bodies (web-json: a route name on the first line, the body after; "---" lines separate requests;
# web-render: the same, each request followed by the ultrasound frame the page fetches — slow).
# Each target starts from its seed corpus (fuzz/corpus/TARGET, read only) and runs for SECONDS (default 30;
# `.ci/run` uses 20). New inputs go to a temporary folder; a finding (trap, sanitizer report, hang — see
# below —, over 2 GB) is saved to fuzz/findings/ and fails the script. Prints runs and executions per second.
# dicom joined the default list once DICOMElementLengths (element lengths and nesting checked before GDCM)
# and the shim's SIGABRT net (Debian's GDCM keeps its assertions) held for 180 s (75 165 runs, 0 findings).
# FUZZ_RUNS=N stops each target after N executions if that comes first (a long run to a count: FUZZ_RUNS=1000000).
# A hang is an input over 10 s (30 s for web-json and web-render: a request may run the planner's view search
# for a new level and side, ≈ 4 s in this instrumented build at 2 mm, and libFuzzer's timer is wall time — a
# 10 s limit caught such a request on a machine busy with builds).
# Usage: [FUZZ_RUNS=N] scripts/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(nifti stl obj subject-json plan-json web-json web-render dicom)
case "$seconds" in ''|*[!0-9]*) echo "SECONDS is '$seconds': give a whole number of seconds" >&2; exit 2;; esac
runs_limit=${FUZZ_RUNS:-}
case "$runs_limit" in *[!0-9]*) echo "FUZZ_RUNS is '$runs_limit': give a whole number of executions" >&2; exit 2;; esac
(cd fuzz && swift build -c release --sanitize=fuzzer >/dev/null)
bin=fuzz/.build/release/parsguide-fuzz
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p fuzz/findings
status=0
for t in "${targets[@]}"; do
  [ -d "fuzz/corpus/$t" ] || { echo "unknown fuzz target '$t': allowed nifti, stl, obj, subject-json, plan-json, web-json, web-render, dicom" >&2; exit 2; }
  mkdir -p "$work/$t"
  log="$work/$t.log"
  case "$t" in web-*) timeout=30;; *) timeout=10;; esac
  if SWIFT_BACKTRACE=enable=no PARSGUIDE_FUZZ_TARGET="$t" "$bin" "$work/$t" "fuzz/corpus/$t" -max_total_time="$seconds" ${runs_limit:+-runs="$runs_limit"} -timeout="$timeout" \
       -rss_limit_mb=2048 -max_len=16384 -artifact_prefix="fuzz/findings/$t-" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    rate=$(grep -a -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    took=$(grep -a -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "$seconds")
    echo "fuzz $t: $runs runs in ${took} s ($rate/s), 0 findings"
  else
    echo "fuzz $t: FINDING (see fuzz/findings/$t-*):" >&2
    grep -a -E "ERROR|Fatal error|SUMMARY|Test unit written" "$log" | head -10 >&2 || true
    status=1
  fi
done
exit $status
