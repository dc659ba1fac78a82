"""Writes the PyTorch reference fixtures for the attention-module tests.

Run from anywhere with Debian's interpreter (it has torch 1.13):
    /usr/bin/python3 trainer/src/test/python/make_attention_fixtures.py

Each fixture trainer/src/test/resources/fixtures/attention/<module>_<N>x<C>x<H>x<W>.npz holds
  input   the NCHW input (float32),
  output  the module's output for that input,
  and every state_dict tensor under its PyTorch key (e.g. excitation.0.weight).
The module classes come from trainer/src/main/python/attention_torch.py, which bench_torch.py builds too.
"""
import sys
import zlib
from pathlib import Path

import numpy as np
import torch
from torch.nn import Module

# the module classes live in the main tree, where bench_torch.py builds them into whole networks
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "main" / "python"))
from attention_torch import (BAM, CBAM, ECA, SE, SK, BottleneckAttn, ContextBlock, ConvMHSA, CondConv,  # noqa: E402
                             DynamicConv, GENoParams, GEParams, GEParamsPlus, NonLocalBlock, SEVar1, SEVar2, SEVar3,
                             SimplifiedNonLocal, SpatialMHSA, SplitAttn, TimmCbamModule, eca_kernel_size)

OUT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "attention"
# odd, non-square spatial sizes and two batch sizes; small, because the fixtures are committed
SHAPES = [(2, 24, 3, 5), (3, 32, 2, 3)]


def with_batch_norm_statistics(module: Module, seed: int) -> Module:
    """Non-trivial running statistics, and no num_batches_tracked (a counter that DL4J does not keep)."""
    generator = torch.Generator().manual_seed(seed)
    for submodule in module.modules():
        if isinstance(submodule, torch.nn.BatchNorm2d):
            size = submodule.running_mean.shape
            submodule.running_mean.copy_(torch.randn(size, generator=generator) * 0.5)
            submodule.running_var.copy_(torch.rand(size, generator=generator) + 0.5)
            # a None buffer is left out of the state_dict; eval-mode forward does not read it
            submodule.num_batches_tracked = None
    return module


class NoPosEmbed(Module):
    """Stands in for BottleneckAttn's PosEmbedRel: no position logits (BoTNet's ablation without position encoding)."""

    def __init__(self, feat_size) -> None:
        super().__init__()
        self.height, self.width = feat_size

    def forward(self, q):
        return q.new_zeros(q.shape[0], q.shape[1], q.shape[1])


def without_position(module: BottleneckAttn) -> BottleneckAttn:
    module.pos_embed = NoPosEmbed((module.pos_embed.height, module.pos_embed.width))
    return module


def randomize(module: Module) -> None:
    # PyTorch's default init keeps the gate near sigmoid(0) = 0.5; wider weights and biases exercise the nonlinearities
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.normal_(0.0, 0.5)
        # eval-mode BN with its initial statistics (mean 0, var 1) would hide a mix-up of mean and variance
        for name, buffer in module.named_buffers():
            if name.endswith("running_mean"):
                buffer.normal_(0.0, 0.5)
            elif name.endswith("running_var"):
                buffer.uniform_(0.5, 2.0)


def save(name: str, module: Module, shape, train: bool = False, channel_offsets: bool = False) -> None:
    """train=True records the training-mode output (BN normalises with the batch's statistics); channel_offsets adds
    a random constant per example and channel, so that global averages differ clearly between examples."""
    file_name = f"{name}_{'x'.join(map(str, shape))}.npz"
    # seeded per file, so that adding a module leaves the other fixtures byte-identical
    torch.manual_seed(zlib.crc32(file_name.encode()))
    randomize(module)
    module.train(train)
    x = torch.randn(*shape)
    if channel_offsets:
        x = x + torch.randn(shape[0], shape[1], 1, 1)
    with torch.no_grad():
        y = module(x)
    arrays = {"input": x, "output": y}
    for key, tensor in module.state_dict().items():
        if key.endswith("num_batches_tracked"):
            continue  # BN's step counter: no DL4J parameter (it only matters with momentum=None)
        assert key not in arrays, key
        arrays[key] = tensor
    path = OUT_DIR / file_name
    np.savez(path, **{k: v.detach().numpy().astype(np.float32) for k, v in arrays.items()})
    print(path, {k: tuple(v.shape) for k, v in arrays.items()})


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for shape in SHAPES:
        channels = shape[1]
        save("se", SE(channels, reduction_factor=4), shape)
        save("se_var1", SEVar1(), shape)
        save("se_var2", SEVar2(channels), shape)
        save("se_var3", SEVar3(channels), shape)
    # 24 and 32 channels give k=3; 256 channels give k=5
    for shape in [SHAPES[0], (1, 256, 1, 3)]:
        kernel_size = eca_kernel_size(shape[1])
        assert kernel_size == (3 if shape[1] == 24 else 5)
        save("eca", ECA(kernel_size), shape)
    for shape in SHAPES:
        save("gc", ContextBlock(shape[1], ratio=1 / 4), shape)
    save("gc_avg_mul", ContextBlock(SHAPES[0][1], ratio=1 / 4, pooling_type="avg", fusion_type="channel_mul"), SHAPES[0])
    for shape in SHAPES:
        save("snl", SimplifiedNonLocal(shape[1]), shape)
    for index, shape in enumerate(SHAPES):
        save("nl", with_batch_norm_statistics(NonLocalBlock(shape[1], reduction=2), seed=index), shape)
    for shape in SHAPES:
        save("mhsa", SpatialMHSA(shape[1], n_heads=8), shape)
    # the default 7x7 spatial kernel is wider than these maps, so its zero padding matters
    for shape in SHAPES:
        save("cbam", CBAM(shape[1], reduction_factor=4, kernel_size=7), shape)
        save("cbam_timm", TimmCbamModule(shape[1], rd_ratio=1. / 4), shape)
    # gather-excite: extent 2 on the standard shapes; extents 4 and 8 on maps that 4 does not divide, where PyTorch's
    # nearest interpolation differs from repeating each cell e times; the global extent on a non-square map
    for shape in SHAPES:
        channels = shape[1]
        save("ge_minus_e2", GENoParams(2), shape)
        save("ge_e2", GEParams(channels, 2), shape)
        save("ge_plus_e2", GEParamsPlus(channels, 2, reduction_factor=4), shape)
    save("ge_minus_e4", GENoParams(4), (2, 8, 5, 7))
    save("ge_minus_e0", GENoParams(0), SHAPES[0])
    save("ge_e4", GEParams(8, 4), (2, 8, 5, 7))
    save("ge_e8", GEParams(8, 8), (1, 8, 9, 11))
    save("ge_e0", GEParams(24, 0, spatial_dim=SHAPES[0][2:]), SHAPES[0])
    save("ge_plus_e4", GEParamsPlus(8, 4, reduction_factor=4), (2, 8, 5, 7))
    save("ge_plus_e0", GEParamsPlus(24, 0, spatial_dim=SHAPES[0][2:], reduction_factor=4), SHAPES[0])
    # BAM (eval mode, random BN statistics): the default dilation 4 reaches past these maps, so a 5x7 map with
    # dilation 2 checks the dilated taps
    for shape in SHAPES:
        save("bam", BAM(shape[1], reduction_factor=4, dilation=4), shape)
    save("bam_d2", BAM(16, reduction_factor=4, dilation=2), (2, 16, 5, 7))
    # training mode: every BN normalises with the statistics of this batch
    save("bam_d2_train", BAM(16, reduction_factor=4, dilation=2), (2, 16, 5, 7), train=True)
    save("ge_e4_train", GEParams(8, 4), (2, 8, 5, 7), train=True)
    # sk: dense branches (groups 1, see SelectiveKernel), r=4; then as a 3x3 conv 16 -> 24 channels with stride 2
    for index, shape in enumerate(SHAPES):
        save("sk", with_batch_norm_statistics(SK(shape[1], groups=1, reduction_factor=4), seed=index), shape)
    save("sk_o24_s2", with_batch_norm_statistics(SK(16, out_dim=24, stride=2, groups=1, reduction_factor=4), seed=5),
         (2, 16, 5, 7))
    # condconv / dynconv: 3 experts keep the fixtures small; dynconv with r=2 and T=0.5, so that the softmax is far
    # from uniform; then as 3x3 convs 6 -> 10 channels with stride 2, and condconv without expert biases (timm's).
    # Channel offsets make the routing differ between the examples.
    for shape in [(2, 6, 7, 9), (3, 8, 5, 4)]:
        save("condconv", CondConv(shape[1], shape[1], n_experts=3), shape, channel_offsets=True)
        save("dynconv", DynamicConv(shape[1], shape[1], n_experts=3, reduction_factor=2, temperature=0.5), shape,
             channel_offsets=True)
    save("condconv_o10_s2", CondConv(6, 10, n_experts=3, stride=2), (2, 6, 5, 7), channel_offsets=True)
    save("condconv_nobias", CondConv(6, 6, n_experts=3, bias=False), (2, 6, 5, 7), channel_offsets=True)
    save("dynconv_o10_s2", DynamicConv(6, 10, n_experts=3, stride=2, reduction_factor=2, temperature=0.5), (2, 6, 5, 7),
         channel_offsets=True)

    # mhsa as a 3x3 conv (BoTNet): 24 -> 32 channels with stride 2 on an odd map (ceil-mode pool), 32 -> 16 at stride 1
    save("mhsa_o32_s2", ConvMHSA(24, 32, n_heads=8, stride=2), (2, 24, 7, 9))
    save("mhsa_o16", ConvMHSA(32, 16, n_heads=8), (3, 32, 2, 3))
    # relative position logits (timm's PosEmbedRel) with the seed's projections
    for shape in [(2, 16, 5, 7), SHAPES[1]]:
        save("mhsa_rel", ConvMHSA(shape[1], shape[1], n_heads=8, feat_size=shape[2:]), shape)
    save("mhsa_rel_o24_s2", ConvMHSA(16, 24, n_heads=8, stride=2, feat_size=(5, 7)), (2, 16, 5, 7))
    # timm's BottleneckAttn (BoTNet: 4 heads, qkv without bias, no output projection); its floor-mode pool needs an
    # even map to equal the strided conv's size
    for shape in [(2, 16, 5, 7), SHAPES[1]]:
        save("mhsa_timm_rel", BottleneckAttn(shape[1], feat_size=shape[2:], num_heads=4), shape)
    save("mhsa_timm_rel_o24_s2", BottleneckAttn(16, 24, feat_size=(6, 8), stride=2, num_heads=4), (2, 16, 6, 8))
    save("mhsa_timm", without_position(BottleneckAttn(16, feat_size=(5, 7), num_heads=4)), (2, 16, 5, 7))
    # sk with grouped branches (the seed uses 32 groups; 4 fits these channel counts)
    for index, shape in enumerate(SHAPES):
        save("sk_g4", with_batch_norm_statistics(SK(shape[1], groups=4, reduction_factor=4), seed=index), shape)
    save("sk_g4_o24_s2", with_batch_norm_statistics(SK(16, out_dim=24, stride=2, groups=4, reduction_factor=4), seed=5),
         (2, 16, 5, 7))
    # splat: the seed's defaults (radix 2, cardinality 1, r=4), then as a 3x3 conv 16 -> 24 with stride 2; other options:
    # two cardinal groups, radix 1 (sigmoid), three splits, timm's minimum fc width of 32
    for index, shape in enumerate(SHAPES):
        save("splat", with_batch_norm_statistics(SplitAttn(shape[1]), seed=index), shape)
    save("splat_o24_s2", with_batch_norm_statistics(SplitAttn(16, out_dim=24, stride=2), seed=5), (2, 16, 5, 7))
    save("splat_k2", with_batch_norm_statistics(SplitAttn(24, cardinality=2), seed=6), SHAPES[0])
    save("splat_k2_o24_s2", with_batch_norm_statistics(SplitAttn(16, out_dim=24, stride=2, cardinality=2), seed=7),
         (2, 16, 5, 7))
    save("splat_r1", with_batch_norm_statistics(SplitAttn(24, radix=1, cardinality=2), seed=8), SHAPES[0])
    save("splat_r3", with_batch_norm_statistics(SplitAttn(24, radix=3), seed=9), SHAPES[0])
    save("splat_min32", with_batch_norm_statistics(SplitAttn(24, min_width=32), seed=10), SHAPES[0])


if __name__ == "__main__":
    main()
