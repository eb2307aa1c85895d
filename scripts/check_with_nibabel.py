#!/usr/bin/env python3
"""Checks that a subject written by `parsguide phantom` opens in nibabel with the geometry that
subject.json states (world LPS = diag(-1, -1, 1) × the RAS affine on disk).

Usage: python3 scripts/check_with_nibabel.py SUBJECT_DIR
"""
import json, sys
import numpy as np
import nibabel as nib

d = sys.argv[1]
doc = json.load(open(f"{d}/subject.json"))
lps = np.array(doc["grid"]["worldFromIndex"])
for name in ("labels.nii.gz", "ct.nii.gz"):
    img = nib.load(f"{d}/{name}")
    ras = img.affine
    assert np.allclose(np.diag([-1, -1, 1, 1]) @ ras, lps, atol=1e-4), (name, ras, lps)
    assert list(img.shape) == doc["grid"]["dimensions"], (name, img.shape)
    q = img.get_qform(); s = img.get_sform()
    assert np.allclose(q, s, atol=1e-4), (name, q, s)
labels = np.asarray(nib.load(f"{d}/labels.nii.gz").dataobj)
assert labels.dtype == np.uint8
# The L5 body centre landmark must index an L5 voxel (label 24) through nibabel's own affine.
p = np.array(doc["landmarks"]["L5.bodyCentre"] + [1.0])
ijk = np.rint(np.linalg.inv(np.diag([-1, -1, 1, 1]) @ nib.load(f"{d}/labels.nii.gz").affine) @ p)[:3].astype(int)
assert labels[tuple(ijk)] == 24, labels[tuple(ijk)]
print(f"nibabel: {d} opens with the stated geometry; L5.bodyCentre is in L5")
