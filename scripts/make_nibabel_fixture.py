#!/usr/bin/env python3
"""Writes the small NIfTI fixtures that ParsGuide's tests load: files made by nibabel, not by us.

Run from the repository root: python3 scripts/make_nibabel_fixture.py  (needs: pip install nibabel numpy)
"""
import numpy as np
import nibabel as nib

out = "Tests/AnatomyTests/Fixtures/"
# Int16, 4×3×2, an oblique RAS affine (rotation about z by 30°, anisotropic voxels, offset).
c, s = np.cos(np.radians(30)), np.sin(np.radians(30))
affine = np.array([[0.5 * c, -0.75 * s, 0, -10.25],
                   [0.5 * s, 0.75 * c, 0, 20.5],
                   [0, 0, 2.0, -30.0],
                   [0, 0, 0, 1]])
data = np.arange(24, dtype=np.int16).reshape((4, 3, 2), order="F") * 7 - 50
nib.save(nib.Nifti1Image(data, affine), out + "nibabel_int16_oblique.nii.gz")
# UInt8 labels, plain .nii, axis-aligned.
labels = np.zeros((3, 3, 3), dtype=np.uint8)
labels[1, 1, 1] = 24
labels[2, 0, 1] = 109
nib.save(nib.Nifti1Image(labels, np.diag([1.5, 1.5, 1.5, 1.0])), out + "nibabel_uint8.nii")
