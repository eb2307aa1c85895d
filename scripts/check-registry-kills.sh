#!/usr/bin/env bash
# Registry durability: SIGKILLs `parsguide registry add-patient` at random moments of its run (at least 50
# kills while it was running) and checks, after every kill, that the registry passes `PRAGMA
# integrity_check` and still takes a write, and at the end that every acknowledged patient (its command
# exited 0) is stored; then starts 20 writers at once and requires all to succeed. Seeded. Usage: scripts/check-registry-kills.sh [KILLS]   (default 200; about 15 s)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/parsguide
[ -x "$bin" ] || swift build -c release --product parsguide >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$bin" "$work/registry.sqlite" "${1:-200}" <<'PY'
import os, random, sqlite3, subprocess, sys, time

binary, db, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(1)

def add(pid):
    return subprocess.Popen([binary, "registry", "add-patient", "--db", db, "--id", pid, "--sex", "male",
                             "--year-of-birth", "1974", "--height-cm", "177", "--weight-kg", "74"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

def integrity():
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()

# How long one write takes, to spread the kills over the whole run of the command.
start = time.monotonic(); p = add("WARMUP"); p.wait(); span = time.monotonic() - start
if p.returncode != 0:
    sys.exit("the first write failed: " + p.stderr.read().decode())
acknowledged, kills, midwrite, n = {"WARMUP"}, 0, 0, 0
while kills < wanted:
    n += 1
    pid = f"K{n}"
    p = add(pid)
    time.sleep(rng.uniform(0, 1.2 * span))
    if p.poll() is None:
        # A write-ahead log beside the file means the command had the registry open when it was killed.
        midwrite += os.path.exists(db + "-journal") or os.path.exists(db + "-wal")
        p.kill(); p.wait(); kills += 1
        check = integrity()
        if check != "ok":
            sys.exit(f"kill {kills} (patient {pid}): integrity_check says {check!r}")
    elif p.returncode == 0:
        acknowledged.add(pid)
    else:
        sys.exit(f"patient {pid} was refused: {p.stderr.read().decode().strip()}")
# Concurrent writers: 20 commands started at once all wait for the lock and succeed.
writers = [(f"C{i}", add(f"C{i}")) for i in range(20)]
for pid, p in writers:
    p.wait()
    if p.returncode != 0:
        sys.exit(f"concurrent writer {pid} failed: {p.stderr.read().decode().strip()}")
    acknowledged.add(pid)
if integrity() != "ok":
    sys.exit("integrity_check failed after the concurrent writers")
con = sqlite3.connect(db)
stored = {row[0] for row in con.execute("SELECT id FROM patient")}
con.close()
lost = acknowledged - stored
if lost:
    sys.exit(f"acknowledged but lost: {sorted(lost)}")
print(f"registry durability: {kills} kills ({midwrite} with the registry open) over {n} writes (one write ≈ {span * 1000:.0f} ms), "
      f"integrity ok after every kill; 20 concurrent writers all succeeded; {len(acknowledged)} acknowledged patients all stored")
PY
