"""Writes the torch.nn.Conv2d(groups=G) fixtures for GroupedConvolutionTest.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 trainer/src/test/python/make_grouped_conv_fixtures.py

Each trainer/src/test/resources/fixtures/layer/grouped_conv_<name>.npz holds
  input   the NCHW input (float32),
  weight  the conv weight [out, in / groups, k, k],
  bias    the bias [out] (only in the cases with a bias),
  output  Conv2d(in, out, k, stride, padding, dilation, groups, bias)(input),
  config  [in, out, k, stride, padding, groups, dilation, bias (0 or 1)],
  output_gradient  a random gradient of the output,
  input_gradient, weight_gradient, bias_gradient  autograd's gradients for it (bias_gradient with a bias only).
"""
import pathlib

import numpy as np
import torch

OUT_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "layer"
# name: (batch, in, out, height, width, kernel, stride, padding, groups, dilation, bias)
CASES = {
    # ResNeXt's 3x3 grouped conv with stride 2 on an odd, non-square map
    "g4_k3_s2": (2, 8, 8, 7, 9, 3, 2, 1, 4, 1, False),
    # more outputs than inputs per group, 1x1 kernel
    "g2_k1_s1": (1, 6, 10, 5, 5, 1, 1, 0, 2, 1, False),
    # SK's second branch (dilation 2, padding 2) with groups, stride 2, on an odd map
    "g4_k3_s2_d2": (2, 8, 12, 7, 9, 3, 2, 2, 4, 2, False),
    # dilation 3 with padding 3 on a map barely wider than the dilated kernel, stride 1
    "g2_k3_s1_d3": (1, 4, 6, 5, 8, 3, 1, 3, 2, 3, False),
    # split attention's grouped 1x1 fc layers: a bias, on a 1x1 map
    "g2_k1_s1_bias": (3, 8, 6, 1, 1, 1, 1, 0, 2, 1, True),
    # GCNet's and simplified non-local's attention logits: 1x1 to one channel with a bias, on an odd map
    "g1_k1_to1_bias": (3, 16, 1, 5, 7, 1, 1, 0, 1, 1, True),
    # MobileNetV2's depthwise 3x3 conv with stride 2
    "dw_k3_s2": (2, 16, 16, 9, 9, 3, 2, 1, 16, 1, False),
    # ResNeXt's 32 groups of 4 channels
    "g32_k3_s1": (2, 128, 128, 6, 6, 3, 1, 1, 32, 1, False),
    # SK's dilated branch with 8 groups and a bias, on an odd map
    "g8_k3_s1_d2_bias": (2, 16, 16, 7, 7, 3, 1, 2, 8, 2, True),
}


def main():
    torch.manual_seed(11)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, (batch, cin, cout, h, w, k, s, p, g, d, bias) in CASES.items():
        conv = torch.nn.Conv2d(cin, cout, k, stride=s, padding=p, dilation=d, groups=g, bias=bias)
        x = torch.randn(batch, cin, h, w, requires_grad=True)
        y = conv(x)
        dy = torch.randn_like(y)
        y.backward(dy)
        arrays = {"input": x.detach().numpy(), "weight": conv.weight.detach().numpy(), "output": y.detach().numpy(),
                  "config": np.array([cin, cout, k, s, p, g, d, int(bias)], dtype=np.int64),
                  "output_gradient": dy.numpy(), "input_gradient": x.grad.numpy(),
                  "weight_gradient": conv.weight.grad.numpy()}
        if bias:
            arrays["bias"] = conv.bias.detach().numpy()
            arrays["bias_gradient"] = conv.bias.grad.numpy()
        np.savez(OUT_DIR / f"grouped_conv_{name}.npz", **arrays)
        print(name, tuple(y.shape))


if __name__ == "__main__":
    main()
