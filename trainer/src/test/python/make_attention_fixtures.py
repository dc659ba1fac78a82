"""Writes the PyTorch reference fixtures for the attention-module tests.

Run from anywhere with Debian's interpreter (it has torch 1.13):
    /usr/bin/python3 trainer/src/test/python/make_attention_fixtures.py

Each fixture trainer/src/test/resources/fixtures/attention/<module>_<N>x<C>x<H>x<W>.npz holds
  input   the NCHW input (float32),
  output  the module's output for that input,
  and every state_dict tensor under its PyTorch key (e.g. excitation.0.weight).
The module classes below follow the seed tutorial (seeds/001, snippets 2.1 and 3.1) line for line.
"""
from pathlib import Path

import numpy as np
import torch
from torch import Tensor
from torch.nn import AdaptiveAvgPool2d, Conv2d, Module, ReLU, Sequential, Sigmoid

OUT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "attention"
# an odd, non-square shape and a square one with a different batch size
SHAPES = [(2, 24, 7, 9), (3, 32, 5, 5)]


class SE(Module):
    """Squeeze-and-excitation (seed snippet 2.1)."""

    def __init__(self, in_dim: int, reduction_factor: int = 16) -> None:
        super().__init__()
        bottleneck_dim = in_dim // reduction_factor
        self.squeeze = AdaptiveAvgPool2d(output_size=1)
        self.excitation = Sequential(
            Conv2d(in_channels=in_dim, out_channels=bottleneck_dim, kernel_size=1),
            ReLU(),
            Conv2d(in_channels=bottleneck_dim, out_channels=in_dim, kernel_size=1),
            Sigmoid(),
        )

    def forward(self, input: Tensor) -> Tensor:
        squeezed = self.squeeze(input)
        attention = self.excitation(squeezed)
        return attention * input


def randomize(module: Module) -> None:
    # PyTorch's default init keeps the gate near sigmoid(0) = 0.5; wider weights and biases exercise the nonlinearities
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.normal_(0.0, 0.5)


def save(name: str, module: Module, shape) -> None:
    randomize(module)
    module.eval()
    x = torch.randn(*shape)
    with torch.no_grad():
        y = module(x)
    arrays = {"input": x, "output": y}
    for key, tensor in module.state_dict().items():
        assert key not in arrays, key
        arrays[key] = tensor
    path = OUT_DIR / f"{name}_{'x'.join(map(str, shape))}.npz"
    np.savez(path, **{k: v.detach().numpy().astype(np.float32) for k, v in arrays.items()})
    print(path, {k: tuple(v.shape) for k, v in arrays.items()})


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20261121)
    for shape in SHAPES:
        channels = shape[1]
        save("se", SE(channels, reduction_factor=4), shape)


if __name__ == "__main__":
    main()
