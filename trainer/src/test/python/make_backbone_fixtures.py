"""Writes trainer/src/test/resources/fixtures/backbone/torchvision_resnet.json from torchvision 0.14.

For resnet18, resnet50 and resnext50_32x4d it records
  - "modules": every module that owns parameters, with its type and trainable parameter count
    (weight + bias; BatchNorm running statistics are buffers, not parameters), so the Java
    backbone can be checked name by name against torchvision's state_dict layout;
  - "shapes": the [C, H, W] output of conv1, maxpool and layer1..layer4 for one image, at 224 px and at
    an odd 37 px with the ImageNet stem, and at 37 px with the small-image stem (conv1 = 3x3/1 with
    padding 1, maxpool = Identity), which is how the Java small stem is defined.
For mobilenet_v2 it records "modules" likewise and the total parameter count at several width multipliers.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 trainer/src/test/python/make_backbone_fixtures.py
"""
import json
import pathlib

import torch
import torchvision

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "backbone" / "torchvision_resnet.json"
WIDTHS = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]
STAGES = ["conv1", "maxpool", "layer1", "layer2", "layer3", "layer4"]


def small_stem(model):
    model.conv1 = torch.nn.Conv2d(3, model.conv1.out_channels, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = torch.nn.Identity()
    return model


def stage_shapes(model, size):
    shapes = {}
    hooks = [getattr(model, name).register_forward_hook(
        lambda _m, _i, out, name=name: shapes.__setitem__(name, list(out.shape[1:]))) for name in STAGES]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, size, size))
    for hook in hooks:
        hook.remove()
    return shapes


def parameter_modules(model):
    return {name: {"type": type(module).__name__,
                   "params": sum(p.numel() for p in module.parameters(recurse=False))}
            for name, module in model.named_modules()
            if any(True for _ in module.parameters(recurse=False))}


def count_params(model):
    return sum(p.numel() for p in model.parameters())


def describe(factory):
    return {
        "total_params": sum(p.numel() for p in factory().parameters()),
        "modules": parameter_modules(factory()),
        "shapes": {
            "imagenet_224": stage_shapes(factory(), 224),
            "imagenet_37": stage_shapes(factory(), 37),
            "small_37": stage_shapes(small_stem(factory()), 37),
        },
    }


def main():
    fixture = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "resnet18": describe(lambda: torchvision.models.resnet18(num_classes=1000)),
        "resnet50": describe(lambda: torchvision.models.resnet50(num_classes=1000)),
        "resnext50_32x4d": describe(lambda: torchvision.models.resnext50_32x4d(num_classes=1000)),
        "mobilenet_v2": {
            "modules": parameter_modules(torchvision.models.mobilenet_v2(num_classes=1000)),
            # _make_divisible rounding of every layer width, checked through the total
            "total_params_by_width": {str(width): count_params(torchvision.models.mobilenet_v2(width_mult=width))
                                      for width in WIDTHS},
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=1, sort_keys=True) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
