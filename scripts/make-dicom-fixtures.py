#!/usr/bin/env python3
"""Writes the DICOM test fixtures (Tests/DICOMTests/Fixtures) from the tiny CT series in
../shared/data/pydicom-ct5n (MIT, from pydicom): the faults a reader must refuse that cannot be made by
deleting or truncating a file. pip install pydicom. Run from the repository root."""
import copy, os, shutil
import pydicom
from pydicom.uid import generate_uid

src = "../shared/data/pydicom-ct5n"
out = "Tests/DICOMTests/Fixtures"
names = sorted(n for n in os.listdir(src) if n.isdigit())
shutil.rmtree(out, ignore_errors=True)

def write(folder, name, ds):
    os.makedirs(os.path.join(out, folder), exist_ok=True)
    ds.save_as(os.path.join(out, folder, name), enforce_file_format=True)

# Two series in one folder: the original five, and the same five under a second series UID.
second = generate_uid(entropy_srcs=["parsguide-second-series"])
for n in names:
    ds = pydicom.dcmread(os.path.join(src, n))
    write("two-series", n, ds)
    ds2 = copy.deepcopy(ds)
    ds2.SeriesInstanceUID = second
    ds2.SOPInstanceUID = generate_uid(entropy_srcs=["parsguide-second", n])
    ds2.file_meta.MediaStorageSOPInstanceUID = ds2.SOPInstanceUID
    write("two-series", n + "-b", ds2)

# A tilted gantry: 15° Gantry/Detector Tilt, each slice's position stepped sideways by tan(15°) × its step.
for index, n in enumerate(names):
    ds = pydicom.dcmread(os.path.join(src, n))
    ds.GantryDetectorTilt = "15"
    pos = [float(v) for v in ds.ImagePositionPatient]
    pos[1] += 0.2679 * (pos[2] - (-1.2375))
    ds.ImagePositionPatient = [f"{v:.4f}" for v in pos]
    write("tilted", n, ds)
print("wrote", out)
