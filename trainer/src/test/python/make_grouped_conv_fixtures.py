"""Writes the torch.nn.Conv2d(groups=G) fixtures for GroupedConvolutionTest.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 trainer/src/test/python/make_grouped_conv_fixtures.py

Each trainer/src/test/resources/fixtures/backbone/grouped_conv_<name>.npz holds
  input   the NCHW input (float32),
  weight  the conv weight [out, in / groups, k, k],
  output  Conv2d(in, out, k, stride, padding, groups, bias=False)(input),
  config  [in, out, k, stride, padding, groups].
"""
import pathlib

import numpy as np
import torch

OUT_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "backbone"
# name: (batch, in, out, height, width, kernel, stride, padding, groups)
CASES = {
    # ResNeXt's 3x3 grouped conv with stride 2 on an odd, non-square map
    "g4_k3_s2": (2, 8, 8, 7, 9, 3, 2, 1, 4),
    # more outputs than inputs per group, 1x1 kernel
    "g2_k1_s1": (1, 6, 10, 5, 5, 1, 1, 0, 2),
}


def main():
    torch.manual_seed(11)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, (batch, cin, cout, h, w, k, s, p, g) in CASES.items():
        conv = torch.nn.Conv2d(cin, cout, k, stride=s, padding=p, groups=g, bias=False)
        x = torch.randn(batch, cin, h, w)
        with torch.no_grad():
            y = conv(x)
        np.savez(OUT_DIR / f"grouped_conv_{name}.npz",
                 input=x.numpy(), weight=conv.weight.detach().numpy(), output=y.numpy(),
                 config=np.array([cin, cout, k, s, p, g], dtype=np.int64))
        print(name, tuple(y.shape))


if __name__ == "__main__":
    main()
