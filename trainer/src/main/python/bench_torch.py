#!/usr/bin/python3
"""PyTorch counterpart of `attnspark bench model`: the same torchvision networks, the same warm-up and median.

Run with Debian's /usr/bin/python3 (torch 1.13 + torchvision 0.14). Prints one JSON line with the keys that
`attnspark bench model --json` prints: forward_ms, train_ms (medians over --iters after --warmup), images/s and
peak_rss_bytes. Exit status 3 with a one-line message when torch is missing.

With --serve (as `attnspark bench compare` runs it, alternating with DL4J round by round) it builds the same model,
batch and optimizer, prints {"ready": true, "torch": ..., "threads": ...}, then answers one command per stdin line:
`forward` or `train` runs one step and prints {"phase": ..., "ms": <its duration>}; `stats` prints
{"peak_rss_bytes": ...}. End of input ends it; --warmup and --iters are then the caller's business.
"""
import argparse
import json
import resource
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torchvision.models as tvm
except ImportError as missing:
    print("bench_torch.py needs torch and torchvision (%s); run it with /usr/bin/python3" % missing, file=sys.stderr)
    sys.exit(3)

RESNETS = {"resnet18", "resnet34", "resnet50", "resnet101", "resnext50_32x4d"}


class SqueezeExcite(nn.Module):
    """The seed's SE: avg pool, 1x1 conv C->C/r with bias, ReLU, 1x1 conv C/r->C with bias, sigmoid, x * a."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = nn.Sequential(
            nn.Conv2d(channels, channels // reduction, 1), nn.ReLU(inplace=True),
            nn.Conv2d(channels // reduction, channels, 1), nn.Sigmoid())

    def forward(self, x):
        return x * self.excitation(x.mean((2, 3), keepdim=True))


def build(args):
    if args.backbone not in RESNETS and args.backbone != "mobilenet_v2":
        raise SystemExit("bench_torch.py: unknown backbone %s; known: %s, mobilenet_v2" % (args.backbone, ", ".join(sorted(RESNETS))))
    if args.backbone == "mobilenet_v2":
        if args.attention != "none":
            raise SystemExit("bench_torch.py: attention on mobilenet_v2 is not built here; use --attention none")
        model = tvm.mobilenet_v2(num_classes=args.classes, width_mult=args.width)
        if args.small_stem:
            model.features[0][0].stride = (1, 1)
        return model
    if args.width != 1.0:
        raise SystemExit("bench_torch.py: torchvision ResNets have no width multiplier; use --width 1")
    model = getattr(tvm, args.backbone)(num_classes=args.classes)
    if args.small_stem:
        model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        model.maxpool = nn.Identity()
    if args.attention == "se":
        # the standard position: after the residual branch's last batch norm, before the addition
        for stage in (model.layer1, model.layer2, model.layer3, model.layer4):
            for block in stage:
                if isinstance(block, tvm.resnet.Bottleneck):
                    block.bn3 = nn.Sequential(block.bn3, SqueezeExcite(block.bn3.num_features))
                else:
                    block.bn2 = nn.Sequential(block.bn2, SqueezeExcite(block.bn2.num_features))
    elif args.attention != "none":
        raise SystemExit("bench_torch.py: attention %s is not built here; use none or se" % args.attention)
    return model


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def serve(steps, timed):
    """One JSON line per command; flushed, since the caller waits for each answer before it goes on."""
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
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
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    model = build(args)
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
        serve({"forward": forward, "train": train}, timed)
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
        "threads": torch.get_num_threads(), "torch": torch.__version__,
        "peak_rss_bytes": peak_rss_bytes()}))


if __name__ == "__main__":
    main()
