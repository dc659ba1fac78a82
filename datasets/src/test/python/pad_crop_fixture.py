"""Reference outputs of torchvision's small-image augmentation for PadCropTransformReferenceTest.

Run with Debian's python (torch 1.13, torchvision 0.14):
    /usr/bin/python3 datasets/src/test/python/pad_crop_fixture.py
Writes datasets/src/test/resources/fixtures/pad_crop/{image28.png, <case>.npy}.

The training transform is Compose([Resize((size, size)), RandomCrop(size, padding=4), RandomHorizontalFlip(),
ToTensor(), Normalize(ImageNet)]) on a PIL image, as the CIFAR / Fashion-MNIST recipes write it. Its random draws are
replaced by fixed ones through torchvision's functional API (pad with fill 0, crop at top/left, hflip), so the Java
side can be compared at the same crop: each case is named size_top_left_flip. The eval case is Resize(size) +
CenterCrop(size), which for a square image is the resize alone. Upscaling only: PIL's bilinear equals OpenCV's
INTER_LINEAR there (it differs when shrinking, where PIL antialiases).
"""
import os

import numpy as np
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode
import torchvision.transforms.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "pad_crop")
PADDING = 4
NORMALIZE = transforms.Compose([transforms.ToTensor(),
                                transforms.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))])
# (size, top, left, flip): corners of the padded image, the centre (no shift) and an upscaled one
TRAIN_CASES = [(28, 0, 8, False), (28, 8, 0, True), (28, 4, 4, False), (28, 2, 7, True), (32, 3, 6, True)]


def smooth_image(rng, width, height):
    """Random but smooth RGB, so a one-level rounding difference stays a one-level difference."""
    coarse = rng.integers(0, 256, size=(height // 5 + 2, width // 5 + 2, 3)).astype(np.uint8)
    return np.asarray(Image.fromarray(coarse).resize((width, height), Image.BICUBIC))


def train_reference(image, size, top, left, flip):
    resized = F.resize(image, [size, size], interpolation=InterpolationMode.BILINEAR)
    cropped = F.crop(F.pad(resized, PADDING, fill=0), top, left, size, size)
    return NORMALIZE(F.hflip(cropped) if flip else cropped)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261206)
    Image.fromarray(smooth_image(rng, 28, 28)).save(os.path.join(OUT, "image28.png"))
    image = Image.open(os.path.join(OUT, "image28.png")).convert("RGB")
    for size, top, left, flip in TRAIN_CASES:
        name = "train_%d_%d_%d_%s.npy" % (size, top, left, str(flip).lower())
        np.save(os.path.join(OUT, name), train_reference(image, size, top, left, flip).numpy())
    evaluation = transforms.Compose([transforms.Resize(32, interpolation=InterpolationMode.BILINEAR),
                                     transforms.CenterCrop(32)])
    np.save(os.path.join(OUT, "eval_32.npy"), NORMALIZE(evaluation(image)).numpy())


if __name__ == "__main__":
    main()
