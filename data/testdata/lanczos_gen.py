"""Writes the Pillow reference outputs of the Lanczos resize tests.

Run from this directory with Debian's interpreter (python3-pil 9.4.0,
numpy 1.24.2):

    /usr/bin/python3 lanczos_gen.py

The input images are computed by test_image() below, which resize_test.go
repeats in Go, so only the outputs are stored.
"""
import numpy as np
from PIL import Image


def test_image(h, w, c):
    # Three vertical bands: hashed noise, a smooth gradient, and 0/255
    # stripes whose hard edges make the Lanczos lobes overshoot.
    y, x, k = np.indices((h, w, c), dtype=np.int64)
    noise = ((x * 73856093) ^ (y * 19349663) ^ (k * 83492791)) % 256
    gradient = (2 * x + 3 * y + 40 * k) % 256
    stripes = np.where(((x // 3) + (y // 5) + k) % 2 == 0, 0, 255)
    band = (3 * x) // w
    img = np.where(band == 0, noise, np.where(band == 1, gradient, stripes))
    return img.astype(np.uint8)


def resize(img, size, mode):
    if mode == "I":
        # disentanglement_lib reads SmallNORB pixels as int8, which Pillow
        # turns into a mode "I" image of the unsigned values.
        im = Image.fromarray(img[:, :, 0].view(np.int8))
        assert im.mode == "I"
    elif img.shape[2] == 1:
        im = Image.fromarray(img[:, :, 0])
        assert im.mode == "L"
    else:
        im = Image.fromarray(img)
        assert im.mode == "RGB"
    out = np.asarray(im.resize(size, Image.LANCZOS))
    return out.reshape(size[1], size[0], -1)


cases = [
    # name, input height, width, channels, output width, height, mode
    ("grey96", 96, 96, 1, 64, 64, "L"),
    ("rgb96", 96, 96, 3, 64, 64, "RGB"),
    ("grey128", 128, 128, 1, 64, 64, "L"),
    ("rgb128", 128, 128, 3, 64, 64, "RGB"),
    ("int96", 96, 96, 1, 64, 64, "I"),
    # Upsampling one axis and downsampling the other, odd sizes.
    ("rgb23x37", 23, 37, 3, 16, 29, "RGB"),
]
for name, h, w, c, ow, oh, mode in cases:
    out = resize(test_image(h, w, c), (ow, oh), mode)
    np.save("lanczos_%s.npy" % name, out)

# disentanglement_lib resizes Cars3D with thumbnail(), which in Pillow 9.4
# resizes 128 -> 64 exactly as resize() does.
img = test_image(128, 128, 3)
thumb = Image.fromarray(img)
thumb.thumbnail((64, 64), Image.LANCZOS)
assert (np.asarray(thumb) == np.load("lanczos_rgb128.npy")).all()
