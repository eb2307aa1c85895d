#!/usr/bin/env python3
"""Mutates the contrast volume `parsguide inject` writes and shoots it with `parsguide fluoro --contrast`.

Usage: bench/contrast-fuzz.py [RUNS] [PARSGUIDE]   (default 300 runs, .build/release/parsguide)

Writes a 2 mm subject, plans L5-left, injects 0.3 mL of iohexol, then for each run mutates contrast.nii.gz
— a hostile value (NaN, ±inf, ±1e30, 3.4e38, 0, …) in one header field, a hostile voxel value (NaN, ±inf,
1e38), a bit flip anywhere in the file, or a truncation — and takes an AP shot with it. A run passes when the
process exits 0 or with a refusal (1–125); a signal or an exit above 125 is a trap, listed at the end.
Seeded: the same runs every time.
"""
import gzip, os, random, shutil, struct, subprocess, sys, tempfile

from nifti_mutations import mutate_header

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 300
binary = sys.argv[2] if len(sys.argv) > 2 else ".build/release/parsguide"
work = tempfile.mkdtemp(prefix="contrast-fuzz-")
subject, plan, injected = (os.path.join(work, n) for n in ("subject", "plan.json", "inject"))
subprocess.run([binary, "phantom", "--out", subject, "--voxel-mm", "2"], check=True, capture_output=True)
subprocess.run([binary, "plan", "--subject", subject, "--target", "L5-left", "--out", plan], check=True, capture_output=True)
subprocess.run([binary, "inject", "--subject", subject, "--plan", plan, "--out", injected], check=True, capture_output=True)
original = gzip.open(os.path.join(injected, "contrast.nii.gz")).read()
vox_offset = int(struct.unpack_from("<f", original, 108)[0])

random.seed(2)
traps, kinds = [], {}
for run in range(runs):
    data = bytearray(original)
    kind = random.choice(["header", "header", "voxel", "bitflip", "truncate"])
    if kind == "header":
        what = mutate_header(data)
    elif kind == "voxel":
        n = (len(data) - vox_offset) // 4
        for _ in range(random.randint(1, 20)):
            struct.pack_into("<f", data, vox_offset + 4 * random.randrange(n), random.choice([float("nan"), float("inf"), -float("inf"), 1e38, -1e38]))
        what = "voxels"
    elif kind == "bitflip":
        at = random.randrange(len(data))
        data[at] ^= 1 << random.randrange(8)
        what = ("byte", at)
    else:
        cut = random.randrange(len(data))
        del data[cut:]
        what = ("length", cut)
    kinds[kind] = kinds.get(kind, 0) + 1
    mutant = os.path.join(work, "mutant.nii.gz")
    with gzip.open(mutant, "wb", compresslevel=1) as f:
        f.write(data)
    r = subprocess.run([binary, "fluoro", "--subject", subject, "--contrast", mutant, "--view", "ap", "--isocenter", "L5-left",
                        "--size", "64", "--out", os.path.join(work, "shot.png")], capture_output=True, text=True, timeout=120)
    if r.returncode < 0 or r.returncode > 125:
        where = [line.strip() for line in r.stderr.splitlines() if "Fatal" in line or " in parsguide at /" in line][:3]
        traps.append((kind, what, r.returncode, where))

print(f"runs {runs} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}), traps {len(traps)}")
for t in traps:
    print(t)
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if traps else 0)
