"""Writes the small Shapes3D files of the reader tests, in the layout of the
published 3dshapes.h5 (images uint8 [n, 64, 64, 3], labels float64 [n, 6]).

Run from this directory with Debian's interpreter (python3-h5py 3.7.0,
HDF5 1.10.8, numpy 1.24.2):

    /usr/bin/python3 shapes3d_gen.py

The grid keeps the published factor order with sizes 2, 1, 1, 1, 2, 2
(8 images). Image pixel (y, x, c) of grid point g is
(37g + 5y + 3x + 80c) mod 256, which shapes3d_file_test.go recomputes.
"""
import h5py
import numpy as np

sizes = (2, 1, 1, 1, 2, 2)
# Label values of each factor, taken from the published grids.
values = ([0.0, 0.1], [0.5], [0.9], [1.25], [0.0, 3.0], [-30.0, 30.0])
n = int(np.prod(sizes))


def image(g):
    y, x, c = np.indices((64, 64, 3))
    return ((37 * g + 5 * y + 3 * x + 80 * c) % 256).astype(np.uint8)


def labels_of(g):
    idx = np.unravel_index(g, sizes)
    return [values[k][i] for k, i in enumerate(idx)]


def write(name, order, **kw):
    with h5py.File(name, "w") as f:
        f.create_dataset("images", data=np.stack([image(g) for g in order]), **kw)
        f.create_dataset("labels", data=np.array([labels_of(g) for g in order], dtype=np.float64))


# Rows in grid order, contiguous, as the published file stores them.
write("shapes3d_contiguous.h5", range(n))
# Rows shuffled, chunks that split rows and image rows, deflate.
write("shapes3d_chunked.h5", [5, 2, 7, 0, 3, 6, 1, 4], chunks=(3, 32, 64, 3), compression="gzip")

# Bad files: images under another name; images of 32x32 pixels; a label
# column with a repeated grid point.
zeros = dict(compression="gzip", compression_opts=9)
with h5py.File("shapes3d_badkey.h5", "w") as f:
    f.create_dataset("imgs", data=np.zeros((n, 64, 64, 3), np.uint8), **zeros)
    f.create_dataset("labels", data=np.array([labels_of(g) for g in range(n)]))
with h5py.File("shapes3d_badshape.h5", "w") as f:
    f.create_dataset("images", data=np.zeros((n, 32, 32, 3), np.uint8), **zeros)
    f.create_dataset("labels", data=np.array([labels_of(g) for g in range(n)]))
with h5py.File("shapes3d_badlabels.h5", "w") as f:
    f.create_dataset("images", data=np.zeros((n, 64, 64, 3), np.uint8), **zeros)
    f.create_dataset("labels", data=np.array([labels_of(g) for g in [0, 1, 2, 3, 4, 5, 6, 6]]))
