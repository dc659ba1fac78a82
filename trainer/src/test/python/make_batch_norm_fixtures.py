"""Writes the torch.nn.BatchNorm2d (+ ReLU) fixtures for BatchNorm2dTest.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 trainer/src/test/python/make_batch_norm_fixtures.py

Each trainer/src/test/resources/fixtures/layer/batch_norm_<name>.npz holds, for one training step of
BatchNorm2d(C, eps=1e-5, momentum=0.1) in train mode, optionally followed by ReLU:
  input, grad_output               the NCHW input and the gradient arriving at the output (float32),
  weight, bias                     gamma and beta before the step,
  running_mean, running_var        the running statistics before the step,
  output, grad_input               the train-mode output and the gradient at the input,
  grad_weight, grad_bias           the gradients of gamma and beta,
  new_running_mean, new_running_var  the running statistics after the step,
  eval_output                      the eval-mode output with the new running statistics,
  config                           [relu (0 or 1)].

Each batch_norm_precision_<name>.npz holds one ill-conditioned training step (|mean| / std about 100 over few values
per channel, as in SK's and split attention's fuse layers on 1x1 maps) to measure float32 accuracy against float64:
  input, grad_output, weight, bias float32 values,
  reference_<x>                    the float64 results of torch on those same values (x: output, grad_input,
                                   grad_weight, grad_bias),
  torch_<x>                        torch's own float32 results, whose error against the reference is the bar.
"""
import pathlib

import numpy as np
import torch

OUT_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "layer"
# name: (shape, relu, input offset)
CASES = {
    # a ResNet branch's BN + ReLU on an odd, non-square map
    "relu": ((3, 4, 5, 7), True, 0.0),
    # BN before a residual add, on input far from zero mean (cancellation in one-pass variance would show)
    "offset": ((2, 6, 3, 3), False, 20.0),
    # a 1x1 map: the statistics come from the batch alone
    "pixel": ((5, 3, 1, 1), True, 0.5),
}
# name: (shape, mean / std)
PRECISION_CASES = {
    "pixel_pair": ((2, 8, 1, 1), 100.0),
    "small_map": ((4, 6, 2, 2), 100.0),
}


def bn_step(x, grad_output, weight, bias, dtype):
    """One train-mode step of BatchNorm2d in dtype: output and the gradients of input, weight and bias."""
    bn = torch.nn.BatchNorm2d(x.shape[1], eps=1e-5, momentum=0.1).to(dtype)
    with torch.no_grad():
        bn.weight.copy_(weight)
        bn.bias.copy_(bias)
    x = x.to(dtype).clone().requires_grad_()
    y = bn(x)
    y.backward(grad_output.to(dtype))
    return {"output": y.detach(), "grad_input": x.grad, "grad_weight": bn.weight.grad, "grad_bias": bn.bias.grad}


def write_precision_cases():
    for name, (shape, ratio) in PRECISION_CASES.items():
        channels = shape[1]
        std = torch.rand(channels).reshape(1, channels, 1, 1) + 0.5
        sign = torch.where(torch.rand(channels) < 0.5, -1.0, 1.0).reshape(1, channels, 1, 1)
        x = torch.randn(*shape) * std + sign * ratio * std
        grad_output = torch.randn(*shape)
        weight = torch.rand(channels) + 0.5
        bias = torch.randn(channels) * 0.3
        reference = bn_step(x, grad_output, weight, bias, torch.float64)
        single = bn_step(x, grad_output, weight, bias, torch.float32)
        arrays = {"input": x.numpy(), "grad_output": grad_output.numpy(), "weight": weight.numpy(), "bias": bias.numpy()}
        arrays.update({f"reference_{key}": value.numpy() for key, value in reference.items()})
        arrays.update({f"torch_{key}": value.numpy() for key, value in single.items()})
        np.savez(OUT_DIR / f"batch_norm_precision_{name}.npz", **arrays)
        print("precision", name, shape)


def main():
    torch.manual_seed(13)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, (shape, relu, offset) in CASES.items():
        channels = shape[1]
        bn = torch.nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1)
        with torch.no_grad():
            bn.weight.copy_(torch.rand(channels) + 0.5)
            bn.bias.copy_(torch.randn(channels) * 0.3)
            bn.running_mean.copy_(torch.randn(channels))
            bn.running_var.copy_(torch.rand(channels) + 0.5)
        before = {"weight": bn.weight.detach().clone(), "bias": bn.bias.detach().clone(),
                  "running_mean": bn.running_mean.clone(), "running_var": bn.running_var.clone()}
        x = (torch.randn(*shape) * 1.5 + offset).requires_grad_()
        grad_output = torch.randn(*shape)
        bn.train()
        y = bn(x)
        if relu:
            y = torch.relu(y)
        y.backward(grad_output)
        bn.eval()
        with torch.no_grad():
            eval_output = bn(x)
            if relu:
                eval_output = torch.relu(eval_output)
        arrays = {key: value.numpy() for key, value in before.items()}
        arrays.update({"input": x.detach().numpy(), "grad_output": grad_output.numpy(), "output": y.detach().numpy(),
                       "grad_input": x.grad.numpy(), "grad_weight": bn.weight.grad.numpy(),
                       "grad_bias": bn.bias.grad.numpy(), "new_running_mean": bn.running_mean.numpy(),
                       "new_running_var": bn.running_var.numpy(), "eval_output": eval_output.numpy(),
                       "config": np.array([int(relu)], dtype=np.int64)})
        np.savez(OUT_DIR / f"batch_norm_{name}.npz", **arrays)
        print(name, shape)
    write_precision_cases()


if __name__ == "__main__":
    main()
