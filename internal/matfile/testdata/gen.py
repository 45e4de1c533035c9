"""Writes the MAT-file test files of package matfile.

Run from this directory with Debian's interpreter (python3-scipy 1.10.1,
python3-h5py 3.7.0, numpy 1.24.2):

    /usr/bin/python3 gen.py

Array values are functions of their index, recomputed by the Go tests.
"""
import h5py
import numpy as np
import scipy.io


def ramp(shape, dtype, scale=1):
    # Element k in column-major (MATLAB) order has the value scale*k.
    n = int(np.prod(shape))
    return (np.arange(n) * scale).astype(dtype).reshape(shape, order="F")


# A car in miniature: im is height x width x RGB x azimuth x elevation.
im = ramp((4, 4, 3, 3, 2), np.uint8)
scipy.io.savemat("car_plain.mat", {"im": im}, do_compression=False)
scipy.io.savemat("car_zlib.mat", {"im": im}, do_compression=True)

# One variable of each kind this reader converts or skips.
scipy.io.savemat("kinds.mat", {
    "f64": ramp((2, 3), np.float64, 0.5),
    "f32": ramp((3, 1), np.float32, 0.25),
    "i16": ramp((2, 2), np.int16, -300),
    "u64": ramp((1, 2), np.uint64, 1 << 40),
    "cplx": ramp((2, 1), np.complex128) * (1 + 2j),
    "text": "hello",
    "cell": np.array([[1.0, "x"]], dtype=object),
    "rec": {"a": 1.0, "b": np.ones((2, 2))},
    "empty": np.zeros((0, 3)),
}, do_compression=True)

# MATLAB 4 format.
scipy.io.savemat("v4.mat", {"x": ramp((2, 2), np.float64)}, format="4")

# MATLAB 7.3 format: an HDF5 file behind a 512-byte header that starts like
# a version 5 header, as MATLAB writes it.
with h5py.File("v73.mat", "w", userblock_size=512) as f:
    f.create_dataset("im", data=ramp((2, 2), np.uint8))
header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2015 HDF5 schema 1.00 ."
header = header.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02" + b"IM"
with open("v73.mat", "r+b") as f:
    f.write(header)
