#!/usr/bin/env python3
"""Mutates NIfTI header fields of a small subject and runs `parsguide slice` on each mutant.

Usage: bench/nifti-header-fuzz.py [RUNS] [PARSGUIDE]   (default 500 runs, .build/release/parsguide)

Writes a 2 mm subject into a temporary folder, then for each run copies it, writes one hostile value
(NaN, ±inf, ±1e30, 3.4e38, 0, …) into one header field of ct.nii.gz or labels.nii.gz and slices it. A run
passes when the process exits 0 or with a refusal (1–125); a signal or an exit above 125 is a trap, listed
at the end with the first lines of its backtrace. Seeded: the same runs every time.
"""
import gzip, os, random, shutil, subprocess, sys, tempfile

from nifti_mutations import mutate_header

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 500
binary = sys.argv[2] if len(sys.argv) > 2 else ".build/release/parsguide"
work = tempfile.mkdtemp(prefix="nifti-fuzz-")
subject = os.path.join(work, "subject")
subprocess.run([binary, "phantom", "--out", subject, "--voxel-mm", "2"], check=True, capture_output=True)
originals = {name: gzip.open(os.path.join(subject, name)).read() for name in ("ct.nii.gz", "labels.nii.gz")}

random.seed(1)
traps = []
for run in range(runs):
    name = random.choice(list(originals))
    data = bytearray(originals[name])
    field, index, value = mutate_header(data)
    mutant = os.path.join(work, "mutant")
    shutil.rmtree(mutant, ignore_errors=True)
    shutil.copytree(subject, mutant)
    with gzip.open(os.path.join(mutant, name), "wb", compresslevel=1) as f:
        f.write(data)
    volume = "ct" if name == "ct.nii.gz" else "labels"
    r = subprocess.run([binary, "slice", "--subject", mutant, "--volume", volume, "--plane", "axial", "--at-mm=-50",
                        "--out", os.path.join(work, "slice.png")], capture_output=True, text=True, timeout=120)
    if r.returncode < 0 or r.returncode > 125:
        where = [line.strip() for line in r.stderr.splitlines() if "Fatal" in line or " in parsguide at /" in line][:3]
        traps.append((name, field, index, value, r.returncode, where))

print(f"runs {runs}, traps {len(traps)}")
for t in traps:
    print(t)
shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if traps else 0)
