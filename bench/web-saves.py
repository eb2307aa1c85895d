#!/usr/bin/env python3
"""Concurrent 'save to registry' through `parsguide serve`: N clients POST /api/sessions/ID/save at once for
one session of a running server started with --db; prints the status counts and how many procedures the
registry holds afterwards.

Usage: bench/web-saves.py --port 8080 --db FILE [--saves 120]   (the registry must hold patient P1)
"""
import argparse, collections, http.client, json, sqlite3, threading

def main():
    a = argparse.ArgumentParser()
    a.add_argument("--port", type=int, default=8080)
    a.add_argument("--db", required=True)
    a.add_argument("--saves", type=int, default=120)
    o = a.parse_args()
    c = http.client.HTTPConnection("127.0.0.1", o.port, timeout=60)
    c.request("POST", "/api/sessions"); sid = json.loads(c.getresponse().read())["id"]
    before = sqlite3.connect(o.db).execute("SELECT count(*) FROM procedure").fetchone()[0]
    statuses, lock = collections.Counter(), threading.Lock()
    go = threading.Barrier(o.saves)
    def save():
        k = http.client.HTTPConnection("127.0.0.1", o.port, timeout=60)
        go.wait()
        try:
            k.request("POST", f"/api/sessions/{sid}/save", body=json.dumps({"patientId": "P1", "date": "2025-01-13"}),
                      headers={"Content-Type": "application/json"})
            r = k.getresponse(); body = r.read(); key = r.status
        except Exception as e:
            key = type(e).__name__
        with lock: statuses[key] += 1
    threads = [threading.Thread(target=save) for _ in range(o.saves)]
    for t in threads: t.start()
    for t in threads: t.join()
    con = sqlite3.connect(o.db)
    after = con.execute("SELECT count(*) FROM procedure").fetchone()[0]
    print(f"{o.saves} concurrent saves: statuses {dict(statuses)}; stored {after - before}; integrity {con.execute('PRAGMA integrity_check').fetchone()[0]}")

main()
