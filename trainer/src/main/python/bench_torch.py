#!/usr/bin/python3
"""PyTorch counterpart of `attnspark bench model`: the same torchvision networks, the same warm-up and median.

Run with Debian's /usr/bin/python3 (torch 1.13 + torchvision 0.14). Prints one JSON line with the keys that
`attnspark bench model --json` prints: forward_ms, train_ms (medians over --iters after --warmup), images/s,
parameters and peak_rss_bytes. Exit status 3 with a one-line message when torch is missing.

--attention takes any of attnspark's 18 modules (none, se, ..., splat) with its default options, built from
attention_torch.py (the classes the attention fixtures come from) and put where attnspark puts it by default; the
parameter count equals attnspark's (TorchParameterCountTest checks every backbone and module; --count prints it).

With --serve (as `attnspark bench compare` runs it, alternating with DL4J round by round) it builds the same model,
batch and optimizer, prints {"ready": true, "torch": ..., "threads": ..., "malloc": ..., "parameters": ...}, then answers one
command per stdin line:
`forward` or `train` runs one step and prints {"phase": ..., "ms": <its duration>}; `stats` prints
{"peak_rss_bytes": ...}. End of input ends it; --warmup and --iters are then the caller's business.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torchvision.models as tvm
    from attention_torch import (BAM, CBAM, ECA, SE, SK, CondConv, ContextBlock, ConvMHSA, DynamicConv,
                                 DynamicConvCombine, GENoParams, GEParams, GEParamsPlus, NonLocalBlock, SEVar1, SEVar2,
                                 SEVar3, SimplifiedNonLocal, SplitAttn, eca_kernel_size)
except ImportError as missing:
    print("bench_torch.py needs torch and torchvision (%s); run it with /usr/bin/python3" % missing, file=sys.stderr)
    sys.exit(3)

RESNETS = {"resnet18", "resnet34", "resnet50", "resnet101", "resnext50_32x4d"}

# attnspark's modules with their default options (AttentionRegistry; `attnspark modules` lists them): add-ons map
# C -> C; the conv replacements map C_in -> C_out with a stride in place of a block's 3x3 conv
ADD_ONS = {
    "se": lambda c, hw: SE(c, reduction_factor=16),
    "se_var1": lambda c, hw: SEVar1(),
    "se_var2": lambda c, hw: SEVar2(c),
    "se_var3": lambda c, hw: SEVar3(c),
    "eca": lambda c, hw: ECA(eca_kernel_size(c)),
    "gc": lambda c, hw: ContextBlock(c, ratio=1 / 16),
    "snl": lambda c, hw: SimplifiedNonLocal(c),
    "nl": lambda c, hw: NonLocalBlock(c, reduction=2),
    "cbam": lambda c, hw: CBAM(c, reduction_factor=16, kernel_size=7),
    "bam": lambda c, hw: BAM(c, reduction_factor=16, dilation=4),
    # extent 0: the global gather, a depthwise conv as large as the feature map
    "ge_minus": lambda c, hw: GENoParams(0),
    "ge": lambda c, hw: GEParams(c, 0, spatial_dim=hw),
    "ge_plus": lambda c, hw: GEParamsPlus(c, 0, spatial_dim=hw, reduction_factor=16),
}
CONV_REPLACEMENTS = {
    "sk": lambda i, o, s: SK(i, o, stride=s, groups=1, reduction_factor=16),
    "splat": lambda i, o, s: SplitAttn(i, o, stride=s),
    "condconv": lambda i, o, s: CondConv(i, o, n_experts=8, stride=s),
    "dynconv": lambda i, o, s: DynamicConv(i, o, n_experts=8, stride=s, reduction_factor=4, temperature=30.0),
    "mhsa": lambda i, o, s: ConvMHSA(i, o, n_heads=8, stride=s),
}
# SK's and split attention's branches end in BN + ReLU, so the block's BN after the replaced conv goes
NORMALIZES_AND_ACTIVATES = {"sk", "splat"}
# the global gather's kernel is as large as the feature map, known only once a batch has gone through
NEEDS_MAP_SIZE = {"ge", "ge_plus"}
ATTENTIONS = ["none"] + sorted(set(ADD_ONS) | set(CONV_REPLACEMENTS))


class Sized(nn.Module):
    """An add-on built at the first forward pass, when the feature map's size is known (GE's global gather needs it)."""

    def __init__(self, make, channels):
        super().__init__()
        self.make = make
        self.channels = channels
        self.module = None

    def forward(self, x):
        if self.module is None:
            self.module = self.make(self.channels, tuple(x.shape[2:])).train(self.training)
        return self.module(x)


class AfterAdd(nn.Module):
    """A ResNet block with the module on the sum of branch and shortcut, before the final ReLU (GCNet's position)."""

    def __init__(self, block, attention):
        super().__init__()
        self.block = block
        self.attention = attention

    def forward(self, x):
        b = self.block
        out = b.relu(b.bn1(b.conv1(x)))
        if isinstance(b, tvm.resnet.Bottleneck):
            out = b.bn3(b.conv3(b.relu(b.bn2(b.conv2(out)))))
        else:
            out = b.bn2(b.conv2(out))
        shortcut = x if b.downsample is None else b.downsample(x)
        return b.relu(self.attention(out + shortcut))


def last_batch_norm(block):
    return block.bn3 if isinstance(block, tvm.resnet.Bottleneck) else block.bn2


def add_on(name, channels):
    return Sized(ADD_ONS[name], channels) if name in NEEDS_MAP_SIZE else ADD_ONS[name](channels, None)


def attend_resnet(model, name):
    """Puts module `name` where attnspark's ResNet puts it by default (PlacementRole): SE's standard position in
    every block, GC after the add in stages 2-4, BAM after stages 1-3, a conv replacement in place of every block's
    3x3 strided conv (bottleneck conv2, basic block conv1), MHSA in stage 4 only (BoTNet)."""
    stages = [model.layer1, model.layer2, model.layer3, model.layer4]
    if name == "bam":
        for index in range(3):
            channels = last_batch_norm(stages[index][-1]).num_features
            setattr(model, "layer%d" % (index + 1), nn.Sequential(*stages[index], add_on(name, channels)))
        return
    for index, stage in enumerate(stages):
        for position, block in enumerate(stage):
            bottleneck = isinstance(block, tvm.resnet.Bottleneck)
            last_bn = last_batch_norm(block)
            if name == "gc":
                if index > 0:
                    stage[position] = AfterAdd(block, add_on(name, last_bn.num_features))
            elif name in ADD_ONS:
                last_bn_name = "bn3" if bottleneck else "bn2"
                setattr(block, last_bn_name, nn.Sequential(last_bn, add_on(name, last_bn.num_features)))
            elif name != "mhsa" or index == 3:
                conv_name, bn_name = ("conv2", "bn2") if bottleneck else ("conv1", "bn1")
                conv = getattr(block, conv_name)
                setattr(block, conv_name, CONV_REPLACEMENTS[name](conv.in_channels, conv.out_channels, conv.stride[0]))
                if name in NORMALIZES_AND_ACTIVATES:
                    # the block's ReLU still follows; on an output that is already ReLU'd it changes nothing
                    setattr(block, bn_name, nn.Identity())


def attend_mobilenet(model, name):
    """attnspark's MobileNetV2: the module after every inverted residual's depthwise conv (with its BN and ReLU6)."""
    if name in CONV_REPLACEMENTS:
        raise SystemExit("bench_torch.py: mobilenet_v2 has no dense 3x3 conv for %s to replace; use a ResNet" % name)
    for block in model.features[1:-1]:
        layers = list(block.conv)
        depthwise = 0 if len(layers) == 3 else 1
        channels = layers[depthwise][0].out_channels
        block.conv = nn.Sequential(*layers[:depthwise + 1], add_on(name, channels), *layers[depthwise + 1:])


def initialize(model):
    """The expert kernels of CondConv (torch.empty) and dynamic convolution (randn) get kaiming normal like the convs
    around them, so that no step runs on garbage, denormals or overflowing activations."""
    for module in model.modules():
        if isinstance(module, (CondConv, DynamicConvCombine)):
            weights = module.weight if isinstance(module, CondConv) else module.weights
            with torch.no_grad():
                nn.init.normal_(weights, 0.0, math.sqrt(2.0 / (module.out_dim * 9)))
                if module.bias is not None:
                    nn.init.zeros_(module.bias)


def build(args):
    if args.backbone not in RESNETS and args.backbone != "mobilenet_v2":
        raise SystemExit("bench_torch.py: unknown backbone %s; known: %s, mobilenet_v2" % (args.backbone, ", ".join(sorted(RESNETS))))
    if args.attention not in ATTENTIONS:
        raise SystemExit("bench_torch.py: unknown attention %s; known: %s" % (args.attention, ", ".join(ATTENTIONS)))
    if args.backbone == "mobilenet_v2":
        model = tvm.mobilenet_v2(num_classes=args.classes, width_mult=args.width)
        if args.small_stem:
            model.features[0][0].stride = (1, 1)
        if args.attention != "none":
            attend_mobilenet(model, args.attention)
    else:
        if args.width != 1.0:
            raise SystemExit("bench_torch.py: torchvision ResNets have no width multiplier; use --width 1")
        model = getattr(tvm, args.backbone)(num_classes=args.classes)
        if args.small_stem:
            model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
            model.maxpool = nn.Identity()
        if args.attention != "none":
            attend_resnet(model, args.attention)
    if any(isinstance(module, Sized) for module in model.modules()):
        # one eval-mode pass at the benchmark's size builds them before the optimizer sees the parameters
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, 3, args.size, args.size))
    initialize(model)
    return model


def parameter_count(model):
    """Trainable parameters, as attnspark's `models` counts them (BN running statistics are buffers, not counted)."""
    return sum(parameter.numel() for parameter in model.parameters() if parameter.requires_grad)


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def malloc():
    """The allocator this process runs on: tcmalloc or jemalloc when preloaded (LD_PRELOAD), else glibc."""
    with open("/proc/self/maps") as maps:
        for mapping in maps:
            for name in ("tcmalloc", "jemalloc"):
                if "lib" + name in mapping:
                    return name
    return "glibc"


def serve(steps, timed, parameters):
    """One JSON line per command; flushed, since the caller waits for each answer before it goes on."""
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "malloc": malloc(), "parameters": parameters}), flush=True)
    for line in iter(sys.stdin.readline, ""):
        command = line.strip()
        if command in steps:
            print(json.dumps({"phase": command, "ms": round(timed(steps[command]), 3)}), flush=True)
        elif command == "stats":
            print(json.dumps({"peak_rss_bytes": peak_rss_bytes()}), flush=True)
        else:
            raise SystemExit("bench_torch.py --serve: unknown command '%s'; send forward, train or stats" % command)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backbone", required=True)
    parser.add_argument("--attention", default="none")
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--small-stem", action="store_true")
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--threads", type=int, default=0, help="0 keeps torch's default")
    parser.add_argument("--serve", action="store_true", help="run steps on request from stdin (see above)")
    parser.add_argument("--count", action="store_true", help="print the network's parameter count and exit")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    model = build(args)
    if args.count:
        print(json.dumps({"name": "%s:%s" % (args.backbone, args.attention), "parameters": parameter_count(model)}))
        return
    images = torch.rand(args.batch, 3, args.size, args.size)
    labels = torch.randint(0, args.classes, (args.batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()

    def forward():
        model.eval()
        with torch.no_grad():
            model(images)

    def train():
        model.train()
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(images), labels).backward()
        optimizer.step()

    def timed(step):
        start = time.perf_counter()
        step()
        return (time.perf_counter() - start) * 1000

    if args.serve:
        serve({"forward": forward, "train": train}, timed, parameter_count(model))
        return
    times = {"forward": [], "train": []}
    for iteration in range(args.warmup + args.iters):
        for name, step in (("forward", forward), ("train", train)):
            elapsed = timed(step)
            if iteration >= args.warmup:
                times[name].append(elapsed)
    forward_ms = statistics.median(times["forward"])
    train_ms = statistics.median(times["train"])
    print(json.dumps({
        "name": "%s:%s" % (args.backbone, args.attention), "batch": args.batch,
        "forward_ms": round(forward_ms, 3), "train_ms": round(train_ms, 3),
        "forward_images_per_s": round(args.batch * 1000 / forward_ms, 2),
        "train_images_per_s": round(args.batch * 1000 / train_ms, 2),
        "threads": torch.get_num_threads(), "malloc": malloc(), "torch": torch.__version__,
        "parameters": parameter_count(model), "peak_rss_bytes": peak_rss_bytes()}))


if __name__ == "__main__":
    main()
