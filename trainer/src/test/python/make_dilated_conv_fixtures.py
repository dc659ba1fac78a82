"""Writes the dilated torch.nn.Conv2d fixtures for DilatedConvolutionTest, forward and backward.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 trainer/src/test/python/make_dilated_conv_fixtures.py

Each trainer/src/test/resources/fixtures/layer/dilated_conv_<name>.npz holds (float64, so the test can be tight)
  input, weight, bias      the NCHW input, the weight [out, in, k, k] and the bias [out],
  output                   Conv2d(in, out, k, stride, padding=dilation*(k-1)//2, dilation)(input),
  upstream                 the gradient the test feeds back (d loss / d output),
  grad_input, grad_weight, grad_bias   d loss / d input, weight, bias for loss = sum(output * upstream),
  config                   [in, out, k, stride, dilation].
"""
import pathlib

import numpy as np
import torch

OUT_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "layer"
# name: (batch, in, out, height, width, kernel, stride, dilation)
CASES = {
    # SK's second branch at stride 1 on sides that dilation 2 divides
    "k3_s1_d2_even": (2, 3, 4, 8, 6, 3, 1, 2),
    # BAM's dilation 4 on an odd map smaller than the dilated kernel's reach in one direction
    "k3_s1_d4_odd": (2, 4, 3, 7, 5, 3, 1, 4),
    # SK's third branch, dilation 3, sides that 3 does not divide
    "k3_s1_d3": (1, 2, 5, 5, 8, 3, 1, 3),
    # SK's second branch in a downsampling block: stride equals dilation, odd sides
    "k3_s2_d2_odd": (2, 3, 4, 7, 9, 3, 2, 2),
    # a 5x5 kernel, dilation 2
    "k5_s1_d2": (1, 2, 3, 9, 7, 5, 1, 2),
    # stride 2 with dilation 3: neither rearrangement applies, DL4J's own dilated conv runs
    "k3_s2_d3": (1, 2, 3, 9, 9, 3, 2, 3),
}


def main():
    torch.manual_seed(13)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, (batch, cin, cout, h, w, k, s, d) in CASES.items():
        conv = torch.nn.Conv2d(cin, cout, k, stride=s, padding=d * (k - 1) // 2, dilation=d, bias=True).double()
        x = torch.randn(batch, cin, h, w, dtype=torch.float64, requires_grad=True)
        y = conv(x)
        upstream = torch.randn_like(y)
        (y * upstream).sum().backward()
        np.savez(OUT_DIR / f"dilated_conv_{name}.npz", input=x.detach().numpy(), weight=conv.weight.detach().numpy(),
                 bias=conv.bias.detach().numpy(), output=y.detach().numpy(), upstream=upstream.numpy(),
                 grad_input=x.grad.numpy(), grad_weight=conv.weight.grad.numpy(), grad_bias=conv.bias.grad.numpy(),
                 config=np.array([cin, cout, k, s, d], dtype=np.int64))
        print(name, tuple(y.shape))


if __name__ == "__main__":
    main()
