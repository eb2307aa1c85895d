#!/usr/bin/env python3
"""Ultrasound round-trip load test of `parsguide serve`: each simulated user has its own session, moves
the probe by a millimetre and fetches the frame, as fast as it can, for a bounded time. Prints p50/p95/p99
of the frame request (request sent → PNG fully received), the error count, and the server's resident
memory sampled every 10 s (pass --pid).

Usage: bench/web-load.py --port 8080 --users 1 --seconds 20 [--pid PID]
"""
import argparse, http.client, json, statistics, threading, time

def user(port, seconds, latencies, errors):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/sessions"); r = c.getresponse(); sid = json.loads(r.read())["id"]
    end = time.time() + seconds; step = 1
    while time.time() < end:
        try:
            c.request("POST", f"/api/sessions/{sid}/probe", body=json.dumps({"slideMm": step}), headers={"Content-Type": "application/json"})
            r = c.getresponse(); r.read(); step = -step
            if r.status != 200: errors.append(r.status)
            t0 = time.perf_counter()
            c.request("GET", f"/api/sessions/{sid}/ultrasound.png"); r = c.getresponse(); body = r.read()
            latencies.append((time.perf_counter() - t0) * 1000)
            if r.status != 200 or body[:4] != b"\x89PNG": errors.append(r.status)
        except Exception as e:
            errors.append(str(e)); c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("DELETE", f"/api/sessions/{sid}"); c.getresponse().read()

def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) / 1024
    return float("nan")

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=8080); ap.add_argument("--users", type=int, default=1)
ap.add_argument("--seconds", type=float, default=20); ap.add_argument("--pid", type=int)
a = ap.parse_args()
latencies, errors, memory = [], [], []
threads = [threading.Thread(target=user, args=(a.port, a.seconds, latencies, errors)) for _ in range(a.users)]
for t in threads: t.start()
start = time.time()
while any(t.is_alive() for t in threads):
    if a.pid: memory.append(round(rss_mb(a.pid)))
    time.sleep(min(10, max(0.5, a.seconds / 12)))
for t in threads: t.join()
q = statistics.quantiles(latencies, n=100)
print(f"users {a.users}: {len(latencies)} frames in {time.time() - start:.0f} s; ultrasound round trip p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms; errors {len(errors)}"
      + (f"; server RSS MB over time {memory}" if memory else ""))
