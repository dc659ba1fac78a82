"""Writes the fixtures for TorchWeightImportTest: small torchvision networks with random weights and their logits.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 trainer/src/test/python/make_torch_weight_fixtures.py

For each network <name>, trainer/src/test/resources/fixtures/backbone/ gets
  <name>_state.npz  the state_dict without the 0-d num_batches_tracked counters, float32,
  <name>_io.npz     input (NCHW float32) and logits = model.eval()(input).
Networks:
  resnet18_w16    torchvision's ResNet(BasicBlock, [2, 2, 2, 2]) with every width divided by 16 (stem 4 channels,
                  stages 4/8/16/32), 10 classes, 64 px: the Java resnet18 at width 0.0625;
  seresnet18_w16   the same with timm's SEModule (fc1/fc2 1x1 convs with bias, bottleneck make_divisible(C/16, 8))
                  in every block after bn2, held in the block's `se` attribute as timm's ResNet does;
  ecaresnet18_w32  resnet18 with every width divided by 32, 32 px, with timm's EcaModule (kernel size from the
                   channels, at least 3) as `se`;
  cbamresnet18_w32 the same with timm's CbamModule (from make_attention_fixtures.py) as `se`;
  skresnet18_w32   the same with the small stem (3x3/1 conv1, no max-pool) and blocks whose conv1 is the seed's SK
                   (dense branches, r=2) with the block's stride, without bn1/relu after it (SK's branches end in
                   BN + ReLU);
  mobilenet_v2_w25  torchvision's mobilenet_v2(width_mult=0.25, num_classes=10), 32 px.
BatchNorm affine parameters and running statistics are randomized so that eval-mode normalization is exercised,
and mobilenet's classifier weights are drawn with std 0.3 instead of 0.01 so that its logits are of order 1.
"""
import math
import pathlib
import sys

import numpy as np
import torch
from torch import nn
from torchvision.models import mobilenet_v2
from torchvision.models.resnet import BasicBlock, ResNet

OUT_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "backbone"
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "main" / "python"))
from attention_torch import SK, TimmCbamModule  # noqa: E402  (the attention tests' reference classes)


class NarrowResNet(ResNet):
    """torchvision's ResNet with every channel count divided by `div` (module names unchanged)."""

    def __init__(self, block, layers, num_classes, div):
        self.div = div
        super().__init__(block, layers, num_classes=num_classes)
        stem = 64 // div
        self.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.fc = nn.Linear(512 // div * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        if planes == 64:
            self.inplanes = 64 // self.div
        return super()._make_layer(block, planes // self.div, blocks, stride, dilate)


def make_divisible(v, divisor=8, min_value=None, round_limit=0.0):
    """timm.layers.helpers.make_divisible."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


class SEModule(nn.Module):
    """timm.layers.squeeze_excite.SEModule with its defaults (rd_ratio 1/16, rd_divisor 8, bias, ReLU, sigmoid)."""

    def __init__(self, channels, rd_ratio=1. / 16, rd_divisor=8):
        super().__init__()
        rd_channels = make_divisible(channels * rd_ratio, rd_divisor, round_limit=0.)
        self.fc1 = nn.Conv2d(channels, rd_channels, kernel_size=1, bias=True)
        self.bn = nn.Identity()
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(rd_channels, channels, kernel_size=1, bias=True)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.fc1(x_se)
        x_se = self.act(self.bn(x_se))
        x_se = self.fc2(x_se)
        return x * self.gate(x_se)


class SEBasicBlock(BasicBlock):
    """timm's BasicBlock order: conv1, bn1, relu, conv2, bn2, se, += shortcut, relu."""

    def __init__(self, inplanes, planes, *args, **kwargs):
        super().__init__(inplanes, planes, *args, **kwargs)
        self.se = SEModule(planes)

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.se(self.bn2(self.conv2(out)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class EcaModule(nn.Module):
    """timm.layers.eca.EcaModule with its defaults (gamma 2, beta 1, kernel size at least 3, sigmoid gate)."""

    def __init__(self, channels, gamma=2, beta=1):
        super().__init__()
        t = int(abs(math.log(channels, 2) + beta) / gamma)
        kernel_size = max(t if t % 2 else t + 1, 3)
        self.conv = nn.Conv1d(1, 1, kernel_size=kernel_size, padding=(kernel_size - 1) // 2, bias=False)

    def forward(self, x):
        y = x.mean((2, 3)).view(x.shape[0], 1, -1)
        y = self.conv(y)
        return x * y.view(x.shape[0], -1, 1, 1).sigmoid().expand_as(x)


def attention_block(attention):
    """A BasicBlock with `attention(planes)` as timm's `se`."""

    class AttentionBasicBlock(SEBasicBlock):
        def __init__(self, inplanes, planes, *args, **kwargs):
            super().__init__(inplanes, planes, *args, **kwargs)
            self.se = attention(planes)

    return AttentionBasicBlock


class SKBasicBlock(BasicBlock):
    """A BasicBlock whose strided 3x3 conv1 is SK (its branches end in BN + ReLU, so bn1 and its ReLU go)."""

    def __init__(self, inplanes, planes, stride=1, downsample=None, *args, **kwargs):
        super().__init__(inplanes, planes, stride, downsample, *args, **kwargs)
        self.conv1 = SK(inplanes, out_dim=planes, stride=stride, groups=1, reduction_factor=2)
        del self.bn1

    def forward(self, x):
        identity = x
        out = self.bn2(self.conv2(self.conv1(x)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


def randomize_batch_norms(model, generator):
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            c = module.num_features
            module.weight.data = torch.rand(c, generator=generator) + 0.5
            module.bias.data = torch.randn(c, generator=generator) * 0.1
            module.running_mean = torch.randn(c, generator=generator) * 0.1
            module.running_var = torch.rand(c, generator=generator) * 1.5 + 0.5
            module.num_batches_tracked.fill_(7)


def write(name, model, size):
    generator = torch.Generator().manual_seed(2024)
    randomize_batch_norms(model, generator)
    model.eval()
    x = torch.randn(1, 3, size, size, generator=generator)
    with torch.no_grad():
        logits = model(x)
    # ND4J reads only uncompressed .npz (np.savez, not savez_compressed) and no 0-d arrays, which drops
    # BatchNorm's num_batches_tracked counters (the Java loader ignores them anyway)
    state = {key: value.detach().numpy() for key, value in model.state_dict().items() if value.dim() > 0}
    np.savez(OUT_DIR / f"{name}_state.npz", **state)
    np.savez(OUT_DIR / f"{name}_io.npz", input=x.numpy(), logits=logits.numpy())
    print(name, sum(p.numel() for p in model.parameters()), "params, logits", logits.numpy().round(4))


def main():
    torch.manual_seed(3)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write("resnet18_w16", NarrowResNet(BasicBlock, [2, 2, 2, 2], num_classes=10, div=16), 64)
    write("seresnet18_w16", NarrowResNet(SEBasicBlock, [2, 2, 2, 2], num_classes=10, div=16), 64)
    mobilenet = mobilenet_v2(width_mult=0.25, num_classes=10)
    nn.init.normal_(mobilenet.classifier[1].weight, 0, 0.3)
    write("mobilenet_v2_w25", mobilenet, 32)
    write("ecaresnet18_w32", NarrowResNet(attention_block(EcaModule), [2, 2, 2, 2], num_classes=10, div=32), 32)
    write("cbamresnet18_w32", NarrowResNet(attention_block(TimmCbamModule), [2, 2, 2, 2], num_classes=10, div=32), 32)
    # the small stem keeps layer4's maps at 4x4: on maps no larger than the dilation, DL4J M2.1's dilated conv
    # differs from torch's (see SelectiveKernel)
    sk = NarrowResNet(SKBasicBlock, [2, 2, 2, 2], num_classes=10, div=32)
    sk.conv1 = nn.Conv2d(3, sk.conv1.out_channels, kernel_size=3, stride=1, padding=1, bias=False)
    sk.maxpool = nn.Identity()
    write("skresnet18_w32", sk, 32)


if __name__ == "__main__":
    main()
