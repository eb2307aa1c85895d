"""Writes the benchmark CT for bench/drr-vs-plastimatch.sh: 512×512×133 Int16 HU, 0.8×0.8×2.5 mm,
centred on the origin (LPS), an elliptic body with an asymmetric spine-like set of bones."""
import sys
import numpy as np
import nibabel as nib

nx, ny, nz = 512, 512, 133
sx, sy, sz = 0.8, 0.8, 2.5
x = (np.arange(nx) - (nx - 1) / 2) * sx          # LPS x (patient left)
y = (np.arange(ny) - (ny - 1) / 2) * sy          # LPS y (posterior)
z = (np.arange(nz) - (nz - 1) / 2) * sz
X, Y = np.meshgrid(x, y, indexing="ij")
hu = np.empty((nx, ny, nz), np.int16)
for k, zk in enumerate(z):
    s = np.where((X / 150) ** 2 + (Y / 110) ** 2 < 1, 40, -1000).astype(np.int16)
    s[(X / 22) ** 2 + ((Y - 10) / 18) ** 2 < 1] = 400            # vertebral body
    s[((X - 20) / 5) ** 2 + ((Y - 35) / 6) ** 2 < 1] = 1200       # a left pedicle only
    if zk > 20:
        s[(np.abs(X + 60) < 4) & (np.abs(Y) < 60)] = 900          # a bar on the right, upper half
    hu[:, :, k] = s
# Voxel (i, j, k) → LPS ((i − c)·sx, (j − c)·sy, (k − c)·sz); NIfTI stores RAS = (−x, −y, z).
affine = np.diag([-sx, -sy, sz, 1.0])
affine[:3, 3] = [(nx - 1) / 2 * sx, (ny - 1) / 2 * sy, -(nz - 1) / 2 * sz]
image = nib.Nifti1Image(hu, affine)
image.set_qform(affine, 1)
image.set_sform(affine, 1)
nib.save(image, sys.argv[1])
