"""Writes the parameter counts of bench_torch.py's networks, which TorchParameterCountTest compares with attnspark's.

Run from anywhere with Debian's interpreter (it has torch 1.13 + torchvision 0.14):
    /usr/bin/python3 trainer/src/test/python/make_bench_parameter_counts.py

trainer/src/test/resources/fixtures/bench/torch_parameter_counts.json maps "backbone:attention" to the trainable
parameters of bench_torch.py's network at 224 px with 1000 classes (ImageNet), for every backbone and every module
attnspark puts into it (no conv replacement in mobilenet_v2). Equal counts mean that `bench compare` times the same
modules at the same places on both sides.
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "main" / "python"))
from bench_torch import ATTENTIONS, CONV_REPLACEMENTS, RESNETS, build, parameter_count  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "bench" / "torch_parameter_counts.json"


def main():
    counts = {}
    for backbone in sorted(RESNETS) + ["mobilenet_v2"]:
        for attention in ATTENTIONS:
            if backbone == "mobilenet_v2" and attention in CONV_REPLACEMENTS:
                continue
            args = argparse.Namespace(backbone=backbone, attention=attention, size=224, width=1.0, small_stem=False,
                                      classes=1000)
            counts["%s:%s" % (backbone, attention)] = parameter_count(build(args))
            print(backbone, attention, counts["%s:%s" % (backbone, attention)], flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(counts, indent=1) + "\n")


if __name__ == "__main__":
    main()
