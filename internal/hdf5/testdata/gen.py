"""Writes the HDF5 test files of package hdf5.

Run from this directory with Debian's interpreter (python3-h5py 3.7.0,
HDF5 1.10.8, numpy 1.24.2):

    /usr/bin/python3 gen.py

Every value is a function of its index, so the Go tests recompute the
expected contents instead of storing them twice.
"""
import h5py
import numpy as np


def images(n, h, w, c):
    # pixel (i, y, x, k) = (7*i + 3*y + 5*x + 11*k) mod 256
    i, y, x, k = np.indices((n, h, w, c))
    return ((7 * i + 3 * y + 5 * x + 11 * k) % 256).astype(np.uint8)


def labels(n, m):
    # label (i, j) = i + j/8 - 0.5
    i, j = np.indices((n, m))
    return (i + j / 8.0 - 0.5).astype(np.float64)


def write_pair(f, label_kw=None, **kw):
    f.create_dataset("images", data=images(5, 8, 8, 3), **kw)
    f.create_dataset("labels", data=labels(5, 6), **(label_kw or {}))


# Superblock v0, version 1 object headers, contiguous layout.
with h5py.File("contiguous.h5", "w") as f:
    write_pair(f)

# Chunked, deflate level 4, chunks that split every axis and leave partial
# edge chunks; chunk index: version 1 B-tree.
with h5py.File("chunked_gzip.h5", "w") as f:
    write_pair(f, chunks=(2, 3, 8, 2), compression="gzip", compression_opts=4)

# Chunked without filters: rows of a chunk are read without the rest.
with h5py.File("chunked_plain.h5", "w") as f:
    write_pair(f, chunks=(3, 4, 8, 2))

# Shuffle and Fletcher-32 around deflate, on bytes and on 8-byte floats.
with h5py.File("shuffle_fletcher.h5", "w") as f:
    filters = dict(compression="gzip", shuffle=True, fletcher32=True)
    write_pair(f, label_kw=dict(chunks=(2, 6), **filters), chunks=(2, 8, 8, 3), **filters)

# Superblock v3, version 2 object headers, link messages; contiguous data and
# chunked data indexed by a fixed array.
with h5py.File("latest.h5", "w", libver="latest") as f:
    f.create_dataset("contiguous", data=images(5, 8, 8, 3))
    f.create_dataset("chunked", data=images(5, 8, 8, 3), chunks=(2, 3, 8, 2), compression="gzip")
    f.create_dataset("labels", data=labels(5, 6))
    # 1100 one-element chunks need a paged fixed array (1024 entries a page).
    f.create_dataset("paged", data=np.arange(1100, dtype=np.float64), chunks=(1,))
    g = f.create_group("group")
    g.create_dataset("inner", data=labels(3, 2))

# 200 chunks need a two-level version 1 B-tree (at most 64 children a node);
# 20 names need several symbol table nodes; a partly written dataset reads
# its fill value where no chunk was allocated.
with h5py.File("many.h5", "w") as f:
    f.create_dataset("rows", data=images(200, 1, 1, 4).reshape(200, 4), chunks=(1, 4))
    g = f.create_group("group")
    for i in range(20):
        g.create_dataset("d%02d" % i, data=np.full((2,), i, dtype=np.uint8))
    d = f.create_dataset("filled", shape=(6, 2), dtype=np.float64, chunks=(2, 2), fillvalue=-1.5)
    d[2:4] = labels(2, 2)
