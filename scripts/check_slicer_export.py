#!/usr/bin/env python3
"""Checks a `parsguide export-slicer` folder with real readers: the segmentation with pynrrd (LPS space, sizes,
named segments whose label values are the ones in the voxels), each markups file against 3D Slicer's
published JSON schema (downloaded from Slicer's repository; without network, the structure it requires), and the ITK transform's twelve parameters.
Usage: scripts/check_slicer_export.py DIR [SUBJECT_DIR]   (with SUBJECT_DIR: the voxels equal its labels)"""
import json, subprocess, sys, urllib.request
from pathlib import Path

# The readers, installed from PyPI on a machine that lacks them (nibabel also serves check-slicer-export.sh).
try:
    import nrrd, jsonschema, nibabel  # noqa: F401
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pynrrd", "jsonschema", "nibabel"])
import nrrd, jsonschema
import numpy as np

out = Path(sys.argv[1])
data, header = nrrd.read(str(out / "labels.seg.nrrd"))
assert header["space"] == "left-posterior-superior", header["space"]
assert list(data.shape) == list(header["sizes"]), (data.shape, header["sizes"])
names = {k: v for k, v in header.items() if k.startswith("Segment") and k.endswith("_Name")}
values = {int(header[k.replace("_Name", "_LabelValue")]) for k in names}
present = set(int(v) for v in np.unique(data)) - {0}
assert present == values, (sorted(present), sorted(values))
print(f"labels.seg.nrrd: {data.shape}, {len(names)} named segments, origin {header['space origin']}")
if len(sys.argv) > 2:
    import nibabel
    ref = np.asarray(nibabel.load(str(Path(sys.argv[2]) / "labels.nii.gz")).dataobj)
    # NIfTI is RAS on disk and the NRRD LPS: the same voxels in the same order.
    assert ref.shape == data.shape and (ref == data).all(), "voxels differ from the subject's labels"
    print("voxels equal the subject's labels.nii.gz")

SCHEMA_URL = "https://raw.githubusercontent.com/Slicer/Slicer/main/Modules/Loadable/Markups/Resources/Schema/markups-schema-v1.0.3.json"
try:
    schema = json.load(urllib.request.urlopen(SCHEMA_URL, timeout=30))
except OSError as e:
    schema = None
    print(f"Slicer's markups schema could not be downloaded ({e}): checking the structure it requires instead")


def check_structure(doc):
    """What schema v1.0.3 requires of ParsGuide's files: @schema and markups; each markup a known type in LPS
    or RAS with mm units; each control point a string id and label and a position of three numbers."""
    assert isinstance(doc.get("@schema"), str) and "markups-schema-v1.0.3" in doc["@schema"], doc.get("@schema")
    assert isinstance(doc.get("markups"), list) and doc["markups"]
    for m in doc["markups"]:
        assert m["type"] in ["Fiducial", "Line", "Angle", "Curve", "ClosedCurve", "Plane", "ROI"], m["type"]
        assert m.get("coordinateSystem", "LPS") in ["LPS", "RAS"] and m.get("coordinateUnits", "mm") in ["mm", "um"]
        for p in m["controlPoints"]:
            assert isinstance(p["id"], str) and isinstance(p["label"], str)
            assert len(p["position"]) == 3 and all(isinstance(x, (int, float)) for x in p["position"]), p


for f in sorted(out.glob("*.mrk.json")):
    doc = json.load(open(f))
    check_structure(doc)
    if schema is not None:
        jsonschema.validate(doc, schema)
    how = "valid against Slicer's markups schema v1.0.3" if schema is not None else "the schema's required structure holds"
    print(f"{f.name}: {how} ({len(doc['markups'][0]['controlPoints'])} points)")

tfm = out / "probe.tfm"
if tfm.exists():
    lines = tfm.read_text().splitlines()
    params = [float(x) for x in next(l for l in lines if l.startswith("Parameters:")).split()[1:]]
    assert len(params) == 12, params
    r = np.array(params[:9]).reshape(3, 3)
    assert abs(abs(np.linalg.det(r)) - 1) < 1e-6, np.linalg.det(r)
    print("probe.tfm: an ITK affine transform with a rigid rotation")
print("Slicer export OK")
