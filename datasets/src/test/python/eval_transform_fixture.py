"""Reference outputs of torchvision's ImageNet eval transform for EvalTransformReferenceTest.

Run with Debian's python (torch 1.13, torchvision 0.14):
    /usr/bin/python3 datasets/src/test/python/eval_transform_fixture.py
Writes datasets/src/test/resources/fixtures/eval_transform/{upscale,downscale}.{png,npy}.

- upscale: 45x30 -> short side 32 -> centre crop 28, through PIL exactly as the ImageNet reference scripts do
  (PIL's bilinear only differs from OpenCV's INTER_LINEAR when shrinking, where PIL antialiases).
- downscale: 90x60 -> 32 -> 28, through torchvision's tensor path with antialias=False, the OpenCV-equivalent
  bilinear without antialiasing.
"""
import os

import numpy as np
import torch
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "eval_transform")
SIZE = 28
RESIZE = round(SIZE / 0.875)  # 32
NORMALIZE = transforms.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))


def smooth_image(rng, width, height):
    """Random but smooth RGB, so a one-level rounding difference stays a one-level difference."""
    coarse = rng.integers(0, 256, size=(height // 5 + 2, width // 5 + 2, 3)).astype(np.uint8)
    return np.asarray(Image.fromarray(coarse).resize((width, height), Image.BICUBIC))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261121)

    up = smooth_image(rng, 45, 30)
    Image.fromarray(up).save(os.path.join(OUT, "upscale.png"))
    pil = transforms.Compose([
        transforms.Resize(RESIZE, interpolation=InterpolationMode.BILINEAR),
        transforms.CenterCrop(SIZE),
        transforms.ToTensor(),
        NORMALIZE,
    ])
    np.save(os.path.join(OUT, "upscale.npy"), pil(Image.open(os.path.join(OUT, "upscale.png")).convert("RGB")).numpy())

    down = smooth_image(rng, 90, 60)
    Image.fromarray(down).save(os.path.join(OUT, "downscale.png"))
    tensor = torch.from_numpy(down.copy()).permute(2, 0, 1).contiguous()
    resized = transforms.functional.resize(tensor, RESIZE, interpolation=InterpolationMode.BILINEAR, antialias=False)
    cropped = transforms.functional.center_crop(resized, SIZE)
    expected = NORMALIZE(cropped.float() / 255.0)
    np.save(os.path.join(OUT, "downscale.npy"), expected.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
