#!/usr/bin/env python3
"""Mutates NIfTI header fields of a small subject and runs `parsguide slice` on each mutant.

Usage: bench/nifti-header-fuzz.py [RUNS] [PARSGUIDE]   (default 500 runs, .build/release/parsguide)

Writes a 2 mm subject into a temporary folder, then for each run copies it, writes one hostile value
(NaN, ±inf, ±1e30, 3.4e38, 0, …) into one header field of ct.nii.gz or labels.nii.gz and slices it. A run
passes when the process exits 0 or with a refusal (1–125); a signal or an exit above 125 is a trap, listed
at the end with the first lines of its backtrace. Seeded: the same runs every time.
"""
import gzip, os, random, shutil, struct, subprocess, sys, tempfile

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 500
binary = sys.argv[2] if len(sys.argv) > 2 else ".build/release/parsguide"
work = tempfile.mkdtemp(prefix="nifti-fuzz-")
subject = os.path.join(work, "subject")
subprocess.run([binary, "phantom", "--out", subject, "--voxel-mm", "2"], check=True, capture_output=True)
originals = {name: gzip.open(os.path.join(subject, name)).read() for name in ("ct.nii.gz", "labels.nii.gz")}

# Header fields: byte offset, struct format, count (NIfTI-1).
fields = {"dim": (40, "<h", 8), "pixdim": (76, "<f", 8), "vox_offset": (108, "<f", 1), "scl_slope": (112, "<f", 1),
          "scl_inter": (116, "<f", 1), "srow_x": (280, "<f", 4), "srow_y": (296, "<f", 4), "srow_z": (312, "<f", 4),
          "quatern": (256, "<f", 6), "sform_code": (254, "<h", 1), "qform_code": (252, "<h", 1),
          "datatype": (70, "<h", 1), "bitpix": (72, "<h", 1)}
floats = [float("nan"), float("inf"), -float("inf"), 1e30, -1e30, 0.0, 1e-30, 3.4e38, -1.0]
shorts = [0, -1, 32767, -32768, 1, 2, 1000]

random.seed(1)
traps = []
for run in range(runs):
    name = random.choice(list(originals))
    data = bytearray(originals[name])
    field, (offset, fmt, count) = random.choice(list(fields.items()))
    index = random.randrange(count)
    value = random.choice(floats if fmt == "<f" else shorts)
    struct.pack_into(fmt, data, offset + index * struct.calcsize(fmt), value)
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
