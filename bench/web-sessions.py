#!/usr/bin/env python3
"""Session flood against `parsguide serve`: creates SESSIONS sessions one after another and never deletes
them; each moves the probe, fetches its ultrasound frame, enters and advances the needle, injects 0.3 mL of contrast and takes an AP shot,
so it holds everything a session can hold. The server keeps at most --max-sessions (the least recently
used is evicted), so its resident memory must stay flat. Prints the server's RSS every REPORT sessions,
the error count, and the spread of RSS over the second half of the run.

Usage: bench/web-sessions.py --port 8080 --pid PID [--sessions 1000] [--report 100]
"""
import argparse, http.client, json, time

def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) / 1024
    return float("nan")

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=8080); ap.add_argument("--pid", type=int, required=True)
ap.add_argument("--sessions", type=int, default=1000); ap.add_argument("--report", type=int, default=100)
a = ap.parse_args()
c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60)
def call(method, path, body=None):
    global c
    try:
        c.request(method, path, body=None if body is None else json.dumps(body), headers={"Content-Type": "application/json"})
        r = c.getresponse(); data = r.read(); return r.status, data
    except Exception as e:
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60); return str(e), b""
errors, samples, start = [], [], time.time()
print(f"sessions 0: server RSS {rss_mb(a.pid):.0f} MB")
for n in range(1, a.sessions + 1):
    status, data = call("POST", "/api/sessions")
    if status != 200: errors.append(("create", status)); continue
    sid = json.loads(data)["id"]
    for method, path, body in [("POST", f"/api/sessions/{sid}/probe", {"slideMm": 1}),
                               ("GET", f"/api/sessions/{sid}/ultrasound.png", None),
                               ("POST", f"/api/sessions/{sid}/needle", {"action": "entry"}),
                               ("POST", f"/api/sessions/{sid}/needle", {"action": "advance", "mm": 15}),
                               ("POST", f"/api/sessions/{sid}/needle", {"action": "advance", "mm": 15}),
                               ("POST", f"/api/sessions/{sid}/contrast", {"volumeMl": 0.3}),
                               ("POST", f"/api/sessions/{sid}/fluoro", {"view": "ap"})]:
        status, _ = call(method, path, body)
        if status != 200: errors.append((path.rsplit("/", 1)[-1], status))
    if n % a.report == 0:
        samples.append(rss_mb(a.pid))
        print(f"sessions {n}: server RSS {samples[-1]:.0f} MB, {len(errors)} errors, {time.time() - start:.0f} s")
half = samples[len(samples) // 2:]
print(f"{a.sessions} sessions in {time.time() - start:.0f} s: {len(errors)} errors {errors[:5]}; "
      f"RSS over the second half {min(half):.0f}–{max(half):.0f} MB")
