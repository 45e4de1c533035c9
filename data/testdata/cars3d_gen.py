"""Writes the small Cars3D files of the reader tests and the images that
disentanglement_lib's loader makes of them.

Run from this directory with Debian's interpreter (python3-scipy 1.10.1,
python3-pil 9.4.0, numpy 1.24.2):

    /usr/bin/python3 cars3d_gen.py

Each car's im is 8x8 pixels x RGB x 3 azimuths x 2 elevations, uint8, with
im[y, x, c, a, e] = (y + 3x + 50c + 20a + 90e + 7car) mod 256 for car 1, 2.
"""
import os

import numpy as np
import scipy.io
from PIL import Image

os.makedirs("cars3d/cars", exist_ok=True)


def car(number):
    y, x, c, a, e = np.indices((8, 8, 3, 3, 2))
    return ((y + 3 * x + 50 * c + 20 * a + 90 * e + 7 * number) % 256).astype(np.uint8)


scipy.io.savemat("cars3d/cars/car_001_mesh.mat", {"im": car(1)}, do_compression=False)
scipy.io.savemat("cars3d/cars/car_002_mesh.mat", {"im": car(2)}, do_compression=True)
scipy.io.savemat("cars3d_wrongdims.mat", {"im": car(3)[:, :, :, :2, :]}, do_compression=True)

# disentanglement_lib's _load_mesh and _load_data (cars3d.py) for this size:
# factors elevation 2, azimuth 3, object 2, the last varying fastest.
expected = np.zeros((2 * 3 * 2, 4, 4, 3), dtype=np.uint8)
for i, number in enumerate([1, 2]):
    mesh = np.einsum("abcde->deabc", car(number))
    flat = mesh.reshape((-1,) + mesh.shape[2:])
    for j in range(flat.shape[0]):
        pic = Image.fromarray(flat[j])
        pic.thumbnail((4, 4), Image.LANCZOS)
        azimuth, elevation = j // 2, j % 2
        expected[(elevation * 3 + azimuth) * 2 + i] = np.asarray(pic)
np.save("cars3d_expected.npy", expected)
