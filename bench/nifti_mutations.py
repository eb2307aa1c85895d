"""Hostile values for NIfTI-1 header fields, shared by the fuzz scripts in this folder."""
import random, struct

# Header fields: byte offset, struct format, count (NIfTI-1).
FIELDS = {"dim": (40, "<h", 8), "pixdim": (76, "<f", 8), "vox_offset": (108, "<f", 1), "scl_slope": (112, "<f", 1),
          "scl_inter": (116, "<f", 1), "srow_x": (280, "<f", 4), "srow_y": (296, "<f", 4), "srow_z": (312, "<f", 4),
          "quatern": (256, "<f", 6), "sform_code": (254, "<h", 1), "qform_code": (252, "<h", 1),
          "datatype": (70, "<h", 1), "bitpix": (72, "<h", 1)}
FLOATS = [float("nan"), float("inf"), -float("inf"), 1e30, -1e30, 0.0, 1e-30, 3.4e38, -1.0]
SHORTS = [0, -1, 32767, -32768, 1, 2, 1000]


def mutate_header(data):
    """Writes one hostile value into one header field of `data` (a bytearray, uncompressed NIfTI-1), drawn
    with the module `random` (seed it first); returns (field, index, value)."""
    field, (offset, fmt, count) = random.choice(list(FIELDS.items()))
    index = random.randrange(count)
    value = random.choice(FLOATS if fmt == "<f" else SHORTS)
    struct.pack_into(fmt, data, offset + index * struct.calcsize(fmt), value)
    return field, index, value
