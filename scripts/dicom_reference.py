#!/usr/bin/env python3
"""The reference geometry and values of a DICOM series, computed with pydicom (and pylibjpeg for JPEG 2000),
for ParsGuide's DICOM tests: `python3 scripts/dicom_reference.py FOLDER` prints the LPS origin, spacing and
direction of the volume (slices sorted along the normal), and checksums of the rescaled values.
pip install pydicom pylibjpeg pylibjpeg-openjpeg"""
import os, sys
import numpy as np
import pydicom

folder = sys.argv[1]
slices = []
for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    try:
        ds = pydicom.dcmread(path)
    except Exception:
        continue
    if "ImagePositionPatient" in ds and "PixelData" in ds:
        slices.append(ds)
iop = np.array(slices[0].ImageOrientationPatient, dtype=float)
row, col = iop[:3], iop[3:]
normal = np.cross(row, col)
slices.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, dtype=float), normal)))
first = np.array(slices[0].ImagePositionPatient, dtype=float)
last = np.array(slices[-1].ImagePositionPatient, dtype=float)
step = (last - first) / (len(slices) - 1)
ps = [float(v) for v in slices[0].PixelSpacing]
hu = np.stack([d.pixel_array.astype(np.float64) * float(getattr(d, "RescaleSlope", 1)) + float(getattr(d, "RescaleIntercept", 0)) for d in slices])
print("dimensions (i, j, k):", slices[0].Columns, slices[0].Rows, len(slices))
print("origin LPS mm:", ", ".join(f"{v:.4f}" for v in first))
print("i axis (mm per column step):", ", ".join(f"{v:.6f}" for v in row * ps[1]))
print("j axis (mm per row step):", ", ".join(f"{v:.6f}" for v in col * ps[0]))
print("k axis (mm per slice step):", ", ".join(f"{v:.6f}" for v in step))
print("HU sum:", f"{hu.sum():.1f}", "min:", hu.min(), "max:", hu.max())
# A few voxels (k, j, i) as the tests index them: i + nx*(j + ny*k).
for k, j, i in [(0, 0, 0), (len(slices) // 2, slices[0].Rows // 2, slices[0].Columns // 2), (len(slices) - 1, slices[0].Rows - 1, slices[0].Columns - 1), (len(slices) // 3, slices[0].Rows // 3, 2 * slices[0].Columns // 3)]:
    print(f"HU at i={i} j={j} k={k}:", hu[k, j, i])
