"""The PyTorch attention modules attnspark reproduces, shared by the fixture script
(trainer/src/test/python/make_attention_fixtures.py, the reference outputs of the module tests) and bench_torch.py
(the same modules in whole torchvision networks), so that both build the very same modules.

The classes follow the seed tutorials line for line (seeds 001, 003 and 004, snippet numbers in each docstring) or
timm's code where a docstring says so. Needs torch (Debian's /usr/bin/python3 has torch 1.13).
"""
import math

import torch
from torch import Tensor
from torch.nn import (AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, BatchNorm2d, Conv1d, Conv2d, Module, ModuleList,
                      ReLU, Sequential, Sigmoid, Softmax)
from torch.nn.functional import interpolate

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


class SEVar1(Module):
    """Squeeze-and-excitation, variant 1: sigmoid of the pooled channels (seed snippet 3.1)."""

    def __init__(self) -> None:
        super().__init__()
        self.squeeze = AdaptiveAvgPool2d(output_size=1)
        self.excitation = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        squeezed = self.squeeze(input)
        attention = self.excitation(squeezed)
        return attention * input


class SEVar2(Module):
    """Squeeze-and-excitation, variant 2: depthwise 1x1 conv, sigmoid (seed snippet 3.1)."""

    def __init__(self, in_dim: int) -> None:
        super().__init__()
        self.squeeze = AdaptiveAvgPool2d(output_size=1)
        self.excitation = Sequential(
            Conv2d(in_channels=in_dim, out_channels=in_dim, kernel_size=1, groups=in_dim),
            Sigmoid(),
        )

    def forward(self, input: Tensor) -> Tensor:
        squeezed = self.squeeze(input)
        attention = self.excitation(squeezed)
        return attention * input


class SEVar3(Module):
    """Squeeze-and-excitation, variant 3: full 1x1 conv, sigmoid (seed snippet 3.1)."""

    def __init__(self, in_dim: int) -> None:
        super().__init__()
        self.squeeze = AdaptiveAvgPool2d(output_size=1)
        self.excitation = Sequential(
            Conv2d(in_channels=in_dim, out_channels=in_dim, kernel_size=1),
            Sigmoid(),
        )

    def forward(self, input: Tensor) -> Tensor:
        squeezed = self.squeeze(input)
        attention = self.excitation(squeezed)
        return attention * input


class ECA(Module):
    """Efficient channel attention (seed snippet 3.2)."""

    def __init__(self, kernel_size: int = 3) -> None:
        super().__init__()
        padding = kernel_size // 2
        self.avg_pool = AdaptiveAvgPool2d(output_size=1)
        self.conv = Conv1d(in_channels=1, out_channels=1, kernel_size=kernel_size, padding=padding, bias=False)
        self.sigmoid = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        avg_pooled = self.avg_pool(input)
        avg_pooled = avg_pooled.squeeze(2)
        avg_pooled = avg_pooled.transpose(1, 2)
        attention = self.conv(avg_pooled)
        attention = self.sigmoid(attention)
        attention = attention.transpose(1, 2)
        attention = attention.unsqueeze(2)
        return attention * input


class ContextBlock(Module):
    """Global context block (GCNet; seed 003, the official ContextBlock) with one fusion type."""

    def __init__(self, inplanes: int, ratio: float, pooling_type: str = "att", fusion_type: str = "channel_add") -> None:
        super().__init__()
        assert pooling_type in ["avg", "att"]
        assert fusion_type in ["channel_add", "channel_mul"]
        self.planes = int(inplanes * ratio)
        self.pooling_type = pooling_type
        self.fusion_type = fusion_type
        if pooling_type == "att":
            self.conv_mask = Conv2d(inplanes, 1, kernel_size=1)
            self.softmax = torch.nn.Softmax(dim=2)
        else:
            self.avg_pool = AdaptiveAvgPool2d(1)
        transform = Sequential(
            Conv2d(inplanes, self.planes, kernel_size=1),
            torch.nn.LayerNorm([self.planes, 1, 1]),
            ReLU(inplace=True),
            Conv2d(self.planes, inplanes, kernel_size=1),
        )
        if fusion_type == "channel_add":
            self.channel_add_conv = transform
        else:
            self.channel_mul_conv = transform

    def spatial_pool(self, x: Tensor) -> Tensor:
        batch, channel, height, width = x.size()
        if self.pooling_type == "att":
            input_x = x.view(batch, channel, height * width).unsqueeze(1)
            context_mask = self.conv_mask(x).view(batch, 1, height * width)
            context_mask = self.softmax(context_mask).unsqueeze(-1)
            return torch.matmul(input_x, context_mask).view(batch, channel, 1, 1)
        return self.avg_pool(x)

    def forward(self, x: Tensor) -> Tensor:
        context = self.spatial_pool(x)
        if self.fusion_type == "channel_mul":
            return x * torch.sigmoid(self.channel_mul_conv(context))
        return x + self.channel_add_conv(context)


class SimplifiedNonLocal(Module):
    """Simplified non-local block (GCNet paper, Eq. 3 and Fig. 4b): x + W_v(sum_j softmax_j(W_k x) x_j)."""

    def __init__(self, inplanes: int) -> None:
        super().__init__()
        self.conv_mask = Conv2d(inplanes, 1, kernel_size=1)
        self.softmax = torch.nn.Softmax(dim=2)
        self.conv_value = Conv2d(inplanes, inplanes, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        batch, channel, height, width = x.size()
        input_x = x.view(batch, channel, height * width).unsqueeze(1)
        context_mask = self.softmax(self.conv_mask(x).view(batch, 1, height * width)).unsqueeze(-1)
        context = torch.matmul(input_x, context_mask).view(batch, channel, 1, 1)
        return x + self.conv_value(context)


class NonLocalBlock(Module):
    """Embedded-Gaussian non-local block (Wang et al.), in the usual NONLocalBlock2D layout (no subsampling)."""

    def __init__(self, in_channels: int, reduction: int = 2) -> None:
        super().__init__()
        self.inter_channels = in_channels // reduction
        self.g = Conv2d(in_channels, self.inter_channels, kernel_size=1)
        self.theta = Conv2d(in_channels, self.inter_channels, kernel_size=1)
        self.phi = Conv2d(in_channels, self.inter_channels, kernel_size=1)
        self.W = Sequential(Conv2d(self.inter_channels, in_channels, kernel_size=1), torch.nn.BatchNorm2d(in_channels))
        torch.nn.init.constant_(self.W[1].weight, 0)
        torch.nn.init.constant_(self.W[1].bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        batch = x.size(0)
        g_x = self.g(x).view(batch, self.inter_channels, -1).permute(0, 2, 1)
        theta_x = self.theta(x).view(batch, self.inter_channels, -1).permute(0, 2, 1)
        phi_x = self.phi(x).view(batch, self.inter_channels, -1)
        attention = torch.softmax(torch.matmul(theta_x, phi_x), dim=-1)
        y = torch.matmul(attention, g_x).permute(0, 2, 1).contiguous().view(batch, self.inter_channels, *x.size()[2:])
        return self.W(y) + x


class QKV(Module):
    """Queries, keys and values for MHSA (seed 004 snippet 11.2)."""

    def __init__(self, in_dim: int, n_heads: int = 8) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.qkv_dim = in_dim // n_heads
        self.to_qkv = torch.nn.Linear(in_features=in_dim, out_features=3 * in_dim)

    def forward(self, input: Tensor):
        batch_size, n_tokens, in_dim = input.shape
        qkv = self.to_qkv(input)
        qkv = qkv.reshape(batch_size, n_tokens, 3, self.n_heads, self.qkv_dim)
        qkv = qkv.permute(2, 0, 3, 1, 4)
        return qkv.unbind(dim=0)


class MHSA(Module):
    """Multi-headed self-attention on [batch, tokens, dim] (seed 004 snippet 11.2)."""

    def __init__(self, in_dim: int, n_heads: int = 8) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.to_qkv = QKV(in_dim=in_dim, n_heads=n_heads)
        self.to_output = torch.nn.Linear(in_features=in_dim, out_features=in_dim)

    def forward(self, input: Tensor) -> Tensor:
        batch_size, n_tokens, in_dim = input.shape
        queries, keys, values = self.to_qkv(input)
        attention = torch.softmax(queries @ keys.transpose(-2, -1) / math.sqrt(queries.shape[-1]), dim=-1)
        output = (attention @ values).transpose(1, 2).reshape(batch_size, n_tokens, in_dim)
        return self.to_output(output)


class SpatialMHSA(MHSA):
    """The seed's MHSA over the H*W positions of an NCHW map as tokens (as BoTNet applies it); same state_dict."""

    def forward(self, input: Tensor) -> Tensor:
        batch, channels, height, width = input.shape
        tokens = input.flatten(2).transpose(1, 2)
        return super().forward(tokens).transpose(1, 2).reshape(batch, channels, height, width)


class ConvQKV(QKV):
    """The seed's QKV (snippet 11.2) with out_dim output channels per part (Linear in_dim -> 3 * out_dim), as a conv."""

    def __init__(self, in_dim: int, out_dim: int, n_heads: int = 8) -> None:
        super().__init__(in_dim=in_dim, n_heads=n_heads)
        self.qkv_dim = out_dim // n_heads
        self.to_qkv = torch.nn.Linear(in_features=in_dim, out_features=3 * out_dim)


class ConvMHSA(Module):
    """The seed's MHSA (snippet 11.2) in place of a 3x3 conv in_dim -> out_dim, as BoTNet uses it: attention over the
    H*W positions, the seed's output projection, then for stride s an s x s average pool with stride s. The pool
    runs in ceil mode, so that odd sizes give the strided 3x3 conv's size (equal to floor mode on even sizes).
    feat_size adds timm's relative position logits (PosEmbedRel, unscaled, as timm's default scale_pos_embed=False)."""

    def __init__(self, in_dim: int, out_dim: int, n_heads: int = 8, stride: int = 1, feat_size=None) -> None:
        super().__init__()
        self.n_heads = n_heads
        self.to_qkv = ConvQKV(in_dim=in_dim, out_dim=out_dim, n_heads=n_heads)
        self.to_output = torch.nn.Linear(in_features=out_dim, out_features=out_dim)
        head_dim = out_dim // n_heads
        self.pos_embed = None if feat_size is None else PosEmbedRel(feat_size, head_dim, scale=head_dim ** -0.5)
        self.pool = AvgPool2d(stride, stride, ceil_mode=True) if stride > 1 else torch.nn.Identity()

    def forward(self, input: Tensor) -> Tensor:
        batch, _, height, width = input.shape
        tokens = input.flatten(2).transpose(1, 2)
        queries, keys, values = self.to_qkv(tokens)
        logits = queries @ keys.transpose(-2, -1) / math.sqrt(queries.shape[-1])
        if self.pos_embed is not None:
            _, heads, n_tokens, head_dim = queries.shape
            logits = logits + self.pos_embed(queries.reshape(batch * heads, n_tokens, head_dim)).reshape(logits.shape)
        attention = torch.softmax(logits, dim=-1)
        output = (attention @ values).transpose(1, 2).reshape(batch, height * width, -1)
        output = self.to_output(output).transpose(1, 2).reshape(batch, -1, height, width)
        return self.pool(output)


def rel_logits_1d(q, rel_k, permute_mask):
    """timm/layers/bottleneck_attn.py rel_logits_1d, verbatim (q: [B, H, W, dim], rel_k: [2W - 1, dim])."""
    B, H, W, dim = q.shape
    x = (q @ rel_k.transpose(-1, -2))
    x = x.reshape(-1, W, 2 * W - 1)

    # pad to shift from relative to absolute indexing
    x_pad = torch.nn.functional.pad(x, [0, 1]).flatten(1)
    x_pad = torch.nn.functional.pad(x_pad, [0, W - 1])

    # reshape and slice out the padded elements
    x_pad = x_pad.reshape(-1, W + 1, 2 * W - 1)
    x = x_pad[:, :W, W - 1:]

    # reshape and tile
    x = x.reshape(B, H, 1, W, W).expand(-1, -1, H, -1, -1)
    return x.permute(permute_mask)


class PosEmbedRel(Module):
    """timm/layers/bottleneck_attn.py PosEmbedRel, verbatim but for device/dtype arguments."""

    def __init__(self, feat_size, dim_head: int, scale: float) -> None:
        super().__init__()
        self.height, self.width = feat_size
        self.dim_head = dim_head
        self.scale = scale
        self.height_rel = torch.nn.Parameter(torch.randn(self.height * 2 - 1, dim_head) * self.scale)
        self.width_rel = torch.nn.Parameter(torch.randn(self.width * 2 - 1, dim_head) * self.scale)

    def forward(self, q):
        B, HW, _ = q.shape

        # relative logits in width dimension.
        q = q.reshape(B, self.height, self.width, -1)
        rel_logits_w = rel_logits_1d(q, self.width_rel, permute_mask=(0, 1, 3, 2, 4))

        # relative logits in height dimension.
        q = q.transpose(1, 2)
        rel_logits_h = rel_logits_1d(q, self.height_rel, permute_mask=(0, 3, 1, 4, 2))

        rel_logits = rel_logits_h + rel_logits_w
        rel_logits = rel_logits.reshape(B, HW, HW)
        return rel_logits


class BottleneckAttn(Module):
    """timm/layers/bottleneck_attn.py BottleneckAttn (BoTNet), verbatim but for device/dtype and init."""

    def __init__(self, dim, dim_out=None, feat_size=None, stride=1, num_heads=4, dim_head=None, qk_ratio=1.0,
                 qkv_bias=False, scale_pos_embed=False):
        super().__init__()
        assert feat_size is not None, 'A concrete feature size matching expected input (H, W) is required'
        dim_out = dim_out or dim
        assert dim_out % num_heads == 0
        self.num_heads = num_heads
        self.dim_head_qk = dim_head or timm_make_divisible(dim_out * qk_ratio, divisor=8) // num_heads
        self.dim_head_v = dim_out // self.num_heads
        self.dim_out_qk = num_heads * self.dim_head_qk
        self.dim_out_v = num_heads * self.dim_head_v
        self.scale = self.dim_head_qk ** -0.5
        self.scale_pos_embed = scale_pos_embed

        self.qkv = Conv2d(dim, self.dim_out_qk * 2 + self.dim_out_v, 1, bias=qkv_bias)

        # NOTE I'm only supporting relative pos embedding for now
        self.pos_embed = PosEmbedRel(feat_size, dim_head=self.dim_head_qk, scale=self.scale)

        self.pool = torch.nn.AvgPool2d(2, 2) if stride == 2 else torch.nn.Identity()

    def forward(self, x):
        B, C, H, W = x.shape
        assert H == self.pos_embed.height
        assert W == self.pos_embed.width

        x = self.qkv(x)  # B, (2 * dim_head_qk + dim_head_v) * num_heads, H, W

        q, k, v = torch.split(x, [self.dim_out_qk, self.dim_out_qk, self.dim_out_v], dim=1)
        q = q.reshape(B * self.num_heads, self.dim_head_qk, -1).transpose(-1, -2)
        k = k.reshape(B * self.num_heads, self.dim_head_qk, -1)  # no transpose, for q @ k
        v = v.reshape(B * self.num_heads, self.dim_head_v, -1).transpose(-1, -2)

        if self.scale_pos_embed:
            attn = (q @ k + self.pos_embed(q)) * self.scale  # B * num_heads, H * W, H * W
        else:
            attn = (q @ k) * self.scale + self.pos_embed(q)
        attn = attn.softmax(dim=-1)

        out = (attn @ v).transpose(-1, -2).reshape(B, self.dim_out_v, H, W)  # B, dim_out, H, W
        out = self.pool(out)
        return out


class CBAMChannelAttention(Module):
    """CBAM's channel attention (seed snippet 4.1)."""

    def __init__(self, in_dim: int, reduction_factor: int = 16) -> None:
        super().__init__()
        self.avg_pool = AdaptiveAvgPool2d(output_size=1)
        self.max_pool = AdaptiveMaxPool2d(output_size=1)
        bottleneck_dim = in_dim // reduction_factor
        self.mlp = Sequential(
            Conv2d(in_channels=in_dim, out_channels=bottleneck_dim, kernel_size=1),
            ReLU(),
            Conv2d(in_channels=bottleneck_dim, out_channels=in_dim, kernel_size=1),
        )
        self.sigmoid = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        avg_attention = self.mlp(self.avg_pool(input))
        max_attention = self.mlp(self.max_pool(input))
        attention = self.sigmoid(avg_attention + max_attention)
        return attention * input


class ChannelAvgPool(Module):
    """Average pool along the channel axis (seed snippet 4.2)."""

    def forward(self, input: Tensor) -> Tensor:
        return input.mean(dim=1, keepdim=True)


class ChannelMaxPool(Module):
    """Max pool along the channel axis (seed snippet 4.2)."""

    def forward(self, input: Tensor) -> Tensor:
        return input.max(dim=1, keepdim=True).values


class CBAMSpatialAttention(Module):
    """CBAM's spatial attention (seed snippet 4.2): the conv has a bias, the descriptor is [mean; max]."""

    def __init__(self, kernel_size: int = 7) -> None:
        super().__init__()
        self.avg_pool = ChannelAvgPool()
        self.max_pool = ChannelMaxPool()
        self.conv = Conv2d(in_channels=2, out_channels=1, kernel_size=kernel_size, padding=kernel_size // 2)
        self.sigmoid = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        pooled = torch.cat([self.avg_pool(input), self.max_pool(input)], dim=1)
        attention = self.sigmoid(self.conv(pooled))
        return attention * input


class CBAM(Module):
    """Convolutional block attention module (seed snippet 4.3)."""

    def __init__(self, in_dim: int, reduction_factor: int = 16, kernel_size: int = 7) -> None:
        super().__init__()
        self.channel_attention = CBAMChannelAttention(in_dim=in_dim, reduction_factor=reduction_factor)
        self.spatial_attention = CBAMSpatialAttention(kernel_size=kernel_size)

    def forward(self, input: Tensor) -> Tensor:
        return self.spatial_attention(self.channel_attention(input))


def timm_make_divisible(v, divisor=8, min_value=None, round_limit=.9):
    """timm/layers/helpers.py make_divisible."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


class TimmChannelAttn(Module):
    """timm/layers/cbam.py ChannelAttn (ReLU, sigmoid gate, mlp_bias=False)."""

    def __init__(self, channels, rd_ratio=1. / 16, rd_divisor=1, mlp_bias=False):
        super().__init__()
        rd_channels = timm_make_divisible(channels * rd_ratio, rd_divisor, round_limit=0.)
        self.fc1 = Conv2d(channels, rd_channels, 1, bias=mlp_bias)
        self.act = ReLU(inplace=True)
        self.fc2 = Conv2d(rd_channels, channels, 1, bias=mlp_bias)
        self.gate = Sigmoid()

    def forward(self, x):
        x_avg = self.fc2(self.act(self.fc1(x.mean((2, 3), keepdim=True))))
        x_max = self.fc2(self.act(self.fc1(x.amax((2, 3), keepdim=True))))
        return x * self.gate(x_avg + x_max)


class TimmConvNormAct(Module):
    """timm/layers/conv_bn_act.py ConvNormAct(2, 1, k, apply_act=False): conv without bias (symmetric padding k//2
    from create_conv2d), BatchNorm2d, no activation; the attribute names give timm's keys."""

    def __init__(self, in_channels, out_channels, kernel_size):
        super().__init__()
        self.conv = Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=False)
        self.bn = BatchNorm2d(out_channels)

    def forward(self, x):
        return self.bn(self.conv(x))


class TimmSpatialAttn(Module):
    """timm/layers/cbam.py SpatialAttn."""

    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = TimmConvNormAct(2, 1, kernel_size)
        self.gate = Sigmoid()

    def forward(self, x):
        x_attn = torch.cat([x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)], dim=1)
        x_attn = self.conv(x_attn)
        return x * self.gate(x_attn)


class TimmCbamModule(Module):
    """timm/layers/cbam.py CbamModule."""

    def __init__(self, channels, rd_ratio=1. / 16, spatial_kernel_size=7):
        super().__init__()
        self.channel = TimmChannelAttn(channels, rd_ratio=rd_ratio)
        self.spatial = TimmSpatialAttn(spatial_kernel_size)

    def forward(self, x):
        x = self.channel(x)
        x = self.spatial(x)
        return x


class GENoParams(Module):
    """Gather-excite without parameters, GE-theta-minus (seed snippet 6.1; its `extent_ratio` typo is `extent`)."""

    def __init__(self, extent: int) -> None:
        super().__init__()
        if extent == 0:
            self.gather = AdaptiveAvgPool2d(output_size=1)
        else:
            kernel_size = 2 * extent - 1
            padding = kernel_size // 2
            self.gather = AvgPool2d(kernel_size=kernel_size, stride=extent, padding=padding, count_include_pad=False)
        self.sigmoid = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        batch_size, in_dim, height, width = input.shape
        gathered = self.gather(input)
        attention = interpolate(input=gathered, size=(height, width), mode='nearest')
        attention = self.sigmoid(attention)
        return attention * input


def ge_gather(in_dim: int, extent: int, spatial_dim) -> Sequential:
    """GE-theta's gather (seed snippets 6.2 and 6.3). The seed writes `n_layers * [conv, bn, relu]`, which repeats
    one conv and one BN instance; as in the paper and timm, every step gets its own modules here (same keys)."""
    if extent == 0:
        return Sequential(
            Conv2d(in_channels=in_dim, out_channels=in_dim, kernel_size=spatial_dim, groups=in_dim, bias=False),
            BatchNorm2d(num_features=in_dim),
        )
    layers = []
    for _ in range(int(math.log2(extent))):
        layers += [
            Conv2d(in_channels=in_dim, out_channels=in_dim, kernel_size=3, stride=2, padding=1, groups=in_dim, bias=False),
            BatchNorm2d(num_features=in_dim),
            ReLU(),
        ]
    return Sequential(*layers[:-1])


class GEParams(Module):
    """Gather-excite with a parameterised gather, GE-theta (seed snippet 6.2)."""

    def __init__(self, in_dim: int, extent: int, spatial_dim=None) -> None:
        super().__init__()
        self.gather = ge_gather(in_dim, extent, spatial_dim)
        self.sigmoid = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        batch_size, in_dim, height, width = input.shape
        gathered = self.gather(input)
        attention = interpolate(input=gathered, size=(height, width), mode='nearest')
        attention = self.sigmoid(attention)
        return attention * input


class GEParamsPlus(Module):
    """Gather-excite with parameterised gather and excite, GE-theta-plus (seed snippet 6.3; the seed fixes r=16)."""

    def __init__(self, in_dim: int, extent: int, spatial_dim=None, reduction_factor: int = 16) -> None:
        super().__init__()
        self.gather = ge_gather(in_dim, extent, spatial_dim)
        bottleneck_dim = in_dim // reduction_factor
        self.mlp = Sequential(
            Conv2d(in_channels=in_dim, out_channels=bottleneck_dim, kernel_size=1),
            ReLU(),
            Conv2d(in_channels=bottleneck_dim, out_channels=in_dim, kernel_size=1),
        )
        self.sigmoid = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        batch_size, in_dim, height, width = input.shape
        gathered = self.gather(input)
        attention = self.mlp(gathered)
        attention = interpolate(input=attention, size=(height, width), mode='nearest')
        attention = self.sigmoid(attention)
        return attention * input


class BAMChannelAttention(Module):
    """BAM's channel attention (seed snippet 5.1): BN before ReLU, no sigmoid."""

    def __init__(self, in_dim: int, reduction_factor: int = 16) -> None:
        super().__init__()
        self.avg_pool = AdaptiveAvgPool2d(output_size=1)
        bottleneck_dim = in_dim // reduction_factor
        self.mlp = Sequential(
            Conv2d(in_channels=in_dim, out_channels=bottleneck_dim, kernel_size=1),
            BatchNorm2d(num_features=bottleneck_dim),
            ReLU(),
            Conv2d(in_channels=bottleneck_dim, out_channels=in_dim, kernel_size=1),
        )

    def forward(self, input: Tensor) -> Tensor:
        return self.mlp(self.avg_pool(input))


class BAMSpatialAttention(Module):
    """BAM's spatial attention (seed snippet 5.2)."""

    def __init__(self, in_dim: int, reduction_factor: int = 16, dilation: int = 4) -> None:
        super().__init__()
        bottleneck_dim = in_dim // reduction_factor
        self.reduce_1 = Sequential(
            Conv2d(in_channels=in_dim, out_channels=bottleneck_dim, kernel_size=1),
            BatchNorm2d(num_features=bottleneck_dim),
            ReLU(),
        )
        self.layers = Sequential(
            Conv2d(in_channels=bottleneck_dim, out_channels=bottleneck_dim, kernel_size=3, padding=dilation,
                   dilation=dilation),
            BatchNorm2d(num_features=bottleneck_dim),
            ReLU(),
            Conv2d(in_channels=bottleneck_dim, out_channels=bottleneck_dim, kernel_size=3, padding=dilation,
                   dilation=dilation),
            BatchNorm2d(num_features=bottleneck_dim),
            ReLU(),
        )
        self.reduce_2 = Conv2d(in_channels=bottleneck_dim, out_channels=1, kernel_size=1)

    def forward(self, input: Tensor) -> Tensor:
        return self.reduce_2(self.layers(self.reduce_1(input)))


class BAM(Module):
    """Bottleneck attention module (seed snippet 5.3): x * (1 + sigmoid(channel * spatial))."""

    def __init__(self, in_dim: int, reduction_factor: int = 16, dilation: int = 4) -> None:
        super().__init__()
        self.channel_attention = BAMChannelAttention(in_dim=in_dim, reduction_factor=reduction_factor)
        self.spatial_attention = BAMSpatialAttention(in_dim=in_dim, reduction_factor=reduction_factor, dilation=dilation)
        self.sigmoid = Sigmoid()

    def forward(self, input: Tensor) -> Tensor:
        attention = self.channel_attention(input) * self.spatial_attention(input)
        attention = self.sigmoid(attention) + 1
        return attention * input


class SKBranch(Module):
    """A branch of SK's split module (seed 001 snippet 7.1), with the out_dim the seed's Split passes it."""

    def __init__(self, in_dim: int, out_dim: int, kernel_size: int = 3, stride: int = 1, groups: int = 32,
                 dilation: int = 1) -> None:
        super().__init__()
        padding = kernel_size // 2 + (dilation - 1)
        self.conv = Conv2d(in_channels=in_dim, out_channels=out_dim, kernel_size=kernel_size, stride=stride,
                           padding=padding, dilation=dilation, groups=groups, bias=False)
        self.bn = BatchNorm2d(num_features=out_dim)
        self.relu = ReLU()

    def forward(self, input: Tensor) -> Tensor:
        return self.relu(self.bn(self.conv(input)))


class SKSplit(Module):
    """SK's split module (seed snippet 7.1): branch m has dilation m."""

    def __init__(self, in_dim: int, out_dim: int, n_branches: int = 2, stride: int = 1, groups: int = 32) -> None:
        super().__init__()
        self.branches = ModuleList(modules=[
            SKBranch(in_dim=in_dim, out_dim=out_dim, kernel_size=3, stride=stride, groups=groups, dilation=dilation)
            for dilation in range(1, n_branches + 1)])

    def forward(self, input: Tensor) -> Tensor:
        return torch.stack(tensors=[branch(input) for branch in self.branches], dim=1)


class SKFuse(Module):
    """SK's fuse module (seed snippet 7.2)."""

    def __init__(self, in_dim: int, reduction_factor: int = 16) -> None:
        super().__init__()
        reduced_dim = in_dim // reduction_factor
        self.avg_pool = AdaptiveAvgPool2d(output_size=1)
        self.fc = Sequential(
            Conv2d(in_channels=in_dim, out_channels=reduced_dim, kernel_size=1, bias=False),
            BatchNorm2d(num_features=reduced_dim),
            ReLU(),
        )

    def forward(self, input: Tensor) -> Tensor:
        return self.fc(self.avg_pool(input.sum(1)))


class SKSelect(Module):
    """SK's select module (seed snippet 7.3)."""

    def __init__(self, in_dim: int, n_branches: int = 2, reduction_factor: int = 16) -> None:
        super().__init__()
        reduced_dim = in_dim // reduction_factor
        self.fc = Conv2d(in_channels=reduced_dim, out_channels=n_branches * in_dim, kernel_size=1, bias=False)
        self.softmax = Softmax(dim=1)

    def forward(self, input: Tensor, z: Tensor) -> Tensor:
        batch_size, n_branches, in_dim, height, width = input.shape
        attention = self.fc(z).reshape(batch_size, n_branches, in_dim, 1, 1)
        attention = self.softmax(attention)
        return (attention * input).sum(1)


class SK(Module):
    """Selective kernel (seed snippet 7.3), with an out_dim (default in_dim) so that it can replace any 3x3 conv."""

    def __init__(self, in_dim: int, out_dim: int = None, n_branches: int = 2, stride: int = 1, groups: int = 32,
                 reduction_factor: int = 16) -> None:
        super().__init__()
        out_dim = in_dim if out_dim is None else out_dim
        self.split = SKSplit(in_dim=in_dim, out_dim=out_dim, n_branches=n_branches, stride=stride, groups=groups)
        self.fuse = SKFuse(in_dim=out_dim, reduction_factor=reduction_factor)
        self.select = SKSelect(in_dim=out_dim, n_branches=n_branches, reduction_factor=reduction_factor)

    def forward(self, input: Tensor) -> Tensor:
        branches = self.split(input)
        return self.select(branches, self.fuse(branches))


class CondConv(Module):
    """CondConv (seed 004 section 9) with timm's CondConv2d parameters (timm/layers/cond_conv2d.py) and its blocks'
    routing: routing_fn = Linear(C_in, E), sigmoid; weight [E, C_out*C_in*k*k], bias [E, C_out]. As in timm (and the
    seed), the per-example kernels run as one conv with the batch as groups."""

    def __init__(self, in_dim: int, out_dim: int, n_experts: int = 8, stride: int = 1, bias: bool = True,
                 kernel_size: int = 3, padding: int = 1) -> None:
        super().__init__()
        self.out_dim = out_dim
        self.stride = stride
        self.padding = padding
        self.weight_shape = (out_dim, in_dim, kernel_size, kernel_size)
        self.routing_fn = torch.nn.Linear(in_dim, n_experts)
        self.weight = torch.nn.Parameter(torch.empty(n_experts, out_dim * in_dim * kernel_size * kernel_size))
        self.bias = torch.nn.Parameter(torch.empty(n_experts, out_dim)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        b, c, h, w = x.shape
        routing_weights = torch.sigmoid(self.routing_fn(torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)))
        weight = torch.matmul(routing_weights, self.weight).view((b * self.out_dim,) + self.weight_shape[1:])
        bias = None if self.bias is None else torch.matmul(routing_weights, self.bias).view(b * self.out_dim)
        out = torch.nn.functional.conv2d(x.reshape(1, b * c, h, w), weight, bias, stride=self.stride,
                                         padding=self.padding, groups=b)
        return out.permute([1, 0, 2, 3]).view(b, self.out_dim, out.shape[-2], out.shape[-1])


class DynamicConvRouter(Module):
    """Routing of dynamic convolution (seed 004 section 10, the tutorial repository's dynamic_conv.py Router):
    GAP, 1x1 conv C -> C//r, ReLU, 1x1 conv -> E, softmax(z / T) over the experts (the seed's implicit dim is 1)."""

    def __init__(self, in_dim: int, n_experts: int, reduction_factor: int, temperature: float) -> None:
        super().__init__()
        self.temperature = temperature
        bottleneck_dim = in_dim // reduction_factor
        self.mlp = Sequential(
            Conv2d(in_channels=in_dim, out_channels=bottleneck_dim, kernel_size=1),
            ReLU(),
            Conv2d(in_channels=bottleneck_dim, out_channels=n_experts, kernel_size=1),
        )

    def forward(self, input: Tensor) -> Tensor:
        avg_pooled = torch.nn.functional.adaptive_avg_pool2d(input, 1)
        attention = self.mlp(avg_pooled) / self.temperature
        attention = torch.nn.functional.softmax(attention, dim=1)
        return attention.flatten(1, 3)


class DynamicConvCombine(Module):
    """The seed's Combine: weights [E, C_out, C_in, k, k], bias [E, C_out], per-example kernels as a grouped conv."""

    def __init__(self, in_dim: int, out_dim: int, n_experts: int, stride: int, bias: bool = True,
                 kernel_size: int = 3, padding: int = 1) -> None:
        super().__init__()
        self.out_dim = out_dim
        self.stride = stride
        self.padding = padding
        self.weights = torch.nn.Parameter(torch.randn(n_experts, out_dim, in_dim, kernel_size, kernel_size))
        self.bias = torch.nn.Parameter(torch.randn(n_experts, out_dim)) if bias else None

    def forward(self, input: Tensor, attention: Tensor) -> Tensor:
        batch_size, in_dim, height, width = input.shape
        input = input.reshape(1, batch_size * in_dim, height, width)
        weights = torch.einsum('bn,noihw->boihw', attention, self.weights)
        weights = weights.reshape(batch_size * self.out_dim, *weights.shape[2:])
        bias = None
        if self.bias is not None:
            bias = torch.einsum('bn,no->bo', attention, self.bias).reshape(batch_size * self.out_dim)
        output = torch.nn.functional.conv2d(input=input, weight=weights, bias=bias, stride=self.stride,
                                            padding=self.padding, groups=batch_size)
        return output.reshape(batch_size, self.out_dim, *output.shape[2:])


class DynamicConv(Module):
    """Dynamic convolution (seed 004 section 10): router and combine under the seed's attribute names."""

    def __init__(self, in_dim: int, out_dim: int, n_experts: int = 8, stride: int = 1, bias: bool = True,
                 reduction_factor: int = 4, temperature: float = 30.0) -> None:
        super().__init__()
        self.router = DynamicConvRouter(in_dim, n_experts, reduction_factor, temperature)
        self.combine = DynamicConvCombine(in_dim, out_dim, n_experts, stride, bias)

    def forward(self, input: Tensor) -> Tensor:
        return self.combine(input, self.router(input))


class SplitAttn(Module):
    """Split attention with timm's SplitAttn layout and keys (conv, bn0, fc1, bn1, fc2; BatchNorm2d as norm_layer) and
    the seed's fc width (seed 004 snippet 8.2: radix * out_dim // reduction_factor), raised to min_width (timm: 32)."""

    def __init__(self, in_dim: int, out_dim: int = None, stride: int = 1, radix: int = 2, cardinality: int = 1,
                 reduction_factor: int = 4, min_width: int = 0) -> None:
        super().__init__()
        out_dim = in_dim if out_dim is None else out_dim
        self.radix = radix
        self.cardinality = cardinality
        split_dim = radix * out_dim
        width = max(split_dim // reduction_factor, min_width)
        self.conv = Conv2d(in_dim, split_dim, kernel_size=3, stride=stride, padding=1, groups=radix * cardinality,
                           bias=False)
        self.bn0 = BatchNorm2d(split_dim)
        self.fc1 = Conv2d(out_dim, width, kernel_size=1, groups=cardinality)
        self.bn1 = BatchNorm2d(width)
        self.fc2 = Conv2d(width, split_dim, kernel_size=1, groups=cardinality)

    def radix_softmax(self, logits: Tensor) -> Tensor:
        batch = logits.size(0)
        if self.radix == 1:
            return torch.sigmoid(logits).reshape(batch, -1)
        logits = logits.reshape(batch, self.cardinality, self.radix, -1).transpose(1, 2)
        return torch.softmax(logits, dim=1).reshape(batch, -1)

    def forward(self, input: Tensor) -> Tensor:
        x = torch.relu(self.bn0(self.conv(input)))
        batch, split_dim, height, width = x.shape
        parts = x.reshape(batch, self.radix, split_dim // self.radix, height, width)
        pooled = parts.sum(dim=1).mean((2, 3), keepdim=True)
        attention = self.fc2(torch.relu(self.bn1(self.fc1(pooled))))
        attention = self.radix_softmax(attention).reshape(batch, self.radix, split_dim // self.radix, 1, 1)
        return (parts * attention).sum(dim=1)


def eca_kernel_size(channels: int, gamma: int = 2, beta: int = 1) -> int:
    """The ECA paper's adaptive kernel size: the odd number nearest above |log2(C) + b| / gamma."""
    t = int(abs((math.log(channels, 2) + beta) / gamma))
    return t if t % 2 else t + 1
