"""Writes synthetic files of full published size in the published formats,
for timing gmg's dataset readers (see the data readers section of
BENCHMARKS.md). The images are simple patterns, not the published ones.

Usage, with Debian's interpreter (numpy 1.24.2, h5py 3.7.0, scipy 1.10.1):

    /usr/bin/python3 make_files.py DIR

It needs about 7.5 GB of disk: dSprites (.npz, 11 MB), Shapes3D (.h5,
5.9 GB, contiguous), SmallNORB (small_norb/, 900 MB) and Cars3D (cars/,
183 files, 4 MB).
"""
import itertools
import os
import sys

import h5py
import numpy as np
import scipy.io

out = sys.argv[1]


def dsprites():
    sizes = (1, 3, 6, 40, 32, 32)
    n = int(np.prod(sizes))
    classes = np.stack(np.unravel_index(np.arange(n), sizes), axis=1).astype(np.int64)
    imgs = np.zeros((n, 64, 64), np.uint8)
    for s in range(6):
        idx = np.where(classes[:, 2] == s)[0]
        side = 4 + 2 * s
        x = (8 + 1.5 * classes[idx, 4]).astype(int)
        y = (8 + 1.5 * classes[idx, 5]).astype(int)
        for dy in range(side):
            for dx in range(side):
                imgs[idx, np.minimum(y + dy, 63), np.minimum(x + dx, 63)] = 1
    np.savez_compressed(os.path.join(out, "dsprites_ndarray_co1sh3sc6or40x32y32_64x64.npz"),
                        imgs=imgs, latents_classes=classes, latents_values=classes.astype(np.float64))


def shapes3d():
    sizes = (10, 10, 10, 8, 4, 15)
    values = [np.linspace(0, 1, 10, endpoint=False)] * 3 + [
        np.linspace(0.75, 1.25, 8), np.arange(4.0), np.linspace(-30, 30, 15)]
    n = int(np.prod(sizes))
    idx = np.stack(np.unravel_index(np.arange(n), sizes), axis=1)
    with h5py.File(os.path.join(out, "3dshapes.h5"), "w") as f:
        images = f.create_dataset("images", (n, 64, 64, 3), np.uint8)
        f.create_dataset("labels", data=np.stack([values[k][idx[:, k]] for k in range(6)], axis=1))
        step = 20000
        for s in range(0, n, step):
            part = idx[s:s + step]
            b = np.zeros((len(part), 64, 64, 3), np.uint8)
            b[:, 40:, :, 0] = (part[:, 0] * 25)[:, None, None]
            b[:, :40, :, 1] = (part[:, 1] * 25)[:, None, None]
            for j, p in enumerate(part):
                half, cx = 4 + p[3], 32 + (p[5] - 7) * 2
                b[j, 32 - half:32 + half, cx - half:cx + half, 2] = p[2] * 25 + p[4] * 5
            images[s:s + step] = b


def smallnorb():
    os.makedirs(os.path.join(out, "small_norb"), exist_ok=True)

    def write(path, magic, dims, data):
        with open(path, "wb") as f:
            header = [magic, len(dims)] + list(dims) + [1] * max(0, 3 - len(dims))
            f.write(np.array(header, np.int32).tobytes())
            f.write(data.tobytes())

    y, x = np.indices((96, 96))
    for name, instances in [("5x46789x9x18x6x2x96x96-training", [4, 6, 7, 8, 9]),
                            ("5x01235x9x18x6x2x96x96-testing", [0, 1, 2, 3, 5])]:
        combos = np.array(list(itertools.product(range(5), instances, range(9), range(18), range(6))))
        np.random.default_rng(0).shuffle(combos)
        n = len(combos)
        dat = np.zeros((n, 2, 96, 96), np.uint8)
        for i, (c, inst, el, az, li) in enumerate(combos):
            r, cx, cy = 10 + 4 * c, 20 + 3 * az, 20 + 6 * el
            dat[i, 0] = np.where((x - cx) ** 2 + (y - cy) ** 2 < r * r, 100 + 25 * li, 30 + inst * 5)
            dat[i, 1] = 255
        info = np.stack([combos[:, 1], combos[:, 2], 2 * combos[:, 3], combos[:, 4]], axis=1)
        prefix = os.path.join(out, "small_norb", "smallnorb-%s-" % name)
        write(prefix + "dat.mat", 0x1E3D4C55, (n, 2, 96, 96), dat)
        write(prefix + "cat.mat", 0x1E3D4C54, (n,), combos[:, 0].astype(np.int32))
        write(prefix + "info.mat", 0x1E3D4C54, (n, 4), info.astype(np.int32))


def cars3d():
    os.makedirs(os.path.join(out, "cars"), exist_ok=True)
    y, x = np.indices((128, 128))
    for car in range(183):
        im = np.zeros((128, 128, 3, 24, 4), np.uint8)
        for a in range(24):
            for e in range(4):
                cx, cy = 64 + int(40 * np.cos(2 * np.pi * a / 24)), 30 + 20 * e
                disc = (x - cx) ** 2 + (y - cy) ** 2 < (8 + car % 10) ** 2
                im[:, :, 0, a, e] = np.where(disc, 200, 20)
                im[:, :, 1, a, e] = np.where(disc, (car * 7) % 256, 20)
                im[:, :, 2, a, e] = np.where(y > 100, 120, 20)
        scipy.io.savemat(os.path.join(out, "cars", "car_%03d_mesh.mat" % (car + 1)), {"im": im}, do_compression=True)


for make in (dsprites, shapes3d, smallnorb, cars3d):
    make()
    print("wrote", make.__name__, flush=True)
