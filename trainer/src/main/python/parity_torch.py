#!/usr/bin/python3
"""PyTorch side of `attnspark bench parity`: trains the network and recipe attnspark trains, on the same JPEG folders.

Run with Debian's /usr/bin/python3 (torch 1.13 + torchvision 0.14). Reads an ImageNet classic layout
(DATA/train/<class>/*.JPEG, DATA/val/<class>/*.JPEG, as `attnspark datasets fashion-mnist` writes it) and trains
torchvision's resnet18 built the way attnspark builds it: every stage width times --width (rounded, at least 1) and,
at 64 px or less, the small stem (conv1 3x3 stride 1, no max pool), with torchvision's initialisation, which attnspark's
layers copy. The recipe is attnspark's:
  - SGD with Nesterov momentum, weight decay on conv and linear weights only (not biases, not batch norm);
  - cross-entropy with label smoothing;
  - lr scaled from a batch of 256 to --batch, set once per epoch: linear warmup over --warmup epochs to the scaled rate
    ((epoch + 1) / (warmup + 1) of it), then cosine over the remaining epochs (RecipeConfig.learningRate);
  - the augmentation of attnspark's data.augment: pad-crop (Resize((size, size)), RandomCrop(size, padding), flip;
    evaluation Resize((size, size))), imagenet (RandomResizedCrop(size) + flip; evaluation Resize(size / 0.875) +
    CenterCrop(size)) or none (evaluation's transform for training too).
Prints one JSON line per epoch ({"epoch", "lr", "loss"}) and a last one with "top1" (validation accuracy after the
last epoch), "seconds" and "torch". Exit status 3 with a one-line message when torch is missing.
"""
import argparse
import json
import math
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torchvision
    from torchvision import transforms
except ImportError as missing:
    print("parity_torch.py needs torch and torchvision (%s); run it with /usr/bin/python3" % missing, file=sys.stderr)
    sys.exit(3)

NORMALIZE = transforms.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))
SMALL_STEM_MAX_SIZE = 64


def scaled(channels, width):
    """ResNet.scaled: a published channel count times the width multiplier, rounded half up, at least 1."""
    return max(1, int(math.floor(channels * width + 0.5)))


def resnet18(width, size, classes):
    """torchvision's resnet18 with attnspark's width multiplier and small stem, re-initialised as torchvision does."""
    block = torchvision.models.resnet.BasicBlock
    model = torchvision.models.resnet18(num_classes=classes)
    stem = scaled(64, width)
    model.inplanes = stem
    if size <= SMALL_STEM_MAX_SIZE:
        model.conv1 = nn.Conv2d(3, stem, kernel_size=3, stride=1, padding=1, bias=False)
        model.maxpool = nn.Identity()
    else:
        model.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
    model.bn1 = nn.BatchNorm2d(stem)
    model.layer1 = model._make_layer(block, scaled(64, width), 2)
    model.layer2 = model._make_layer(block, scaled(128, width), 2, stride=2)
    model.layer3 = model._make_layer(block, scaled(256, width), 2, stride=2)
    model.layer4 = model._make_layer(block, scaled(512, width), 2, stride=2)
    model.fc = nn.Linear(scaled(512, width), classes)
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
    return model


def transforms_of(augment, size, padding):
    """(train, eval) transforms of attnspark's data.augment."""
    if augment == "imagenet":
        evaluation = transforms.Compose([transforms.Resize(round(size / 0.875)), transforms.CenterCrop(size),
                                         transforms.ToTensor(), NORMALIZE])
        train = transforms.Compose([transforms.RandomResizedCrop(size), transforms.RandomHorizontalFlip(),
                                    transforms.ToTensor(), NORMALIZE])
        return train, evaluation
    evaluation = transforms.Compose([transforms.Resize((size, size)), transforms.ToTensor(), NORMALIZE])
    if augment == "none":
        return evaluation, evaluation
    train = transforms.Compose([transforms.Resize((size, size)), transforms.RandomCrop(size, padding=padding),
                                transforms.RandomHorizontalFlip(), transforms.ToTensor(), NORMALIZE])
    return train, evaluation


def learning_rate(args, epoch):
    """RecipeConfig.learningRate with the cosine schedule."""
    base = args.lr * args.batch / 256.0
    if epoch < args.warmup:
        return base * (epoch + 1) / (args.warmup + 1)
    return base * 0.5 * (1 + math.cos(math.pi * (epoch - args.warmup) / (args.epochs - args.warmup)))


def accuracy(model, loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(1) == labels).sum().item()
            total += labels.numel()
    return correct / total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="an ImageNet classic layout with train/ and val/")
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.4, help="for a batch of 256, scaled linearly")
    parser.add_argument("--warmup", type=int, default=0, help="warmup epochs")
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--width", type=float, default=0.25)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--augment", choices=("pad-crop", "imagenet", "none"), default="pad-crop")
    parser.add_argument("--padding", type=int, default=4)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=0, help="0 keeps torch's default")
    args = parser.parse_args()
    if args.warmup >= args.epochs:
        raise SystemExit("parity_torch.py: --warmup %d leaves no epoch of the schedule; use fewer than --epochs %d"
                         % (args.warmup, args.epochs))
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_transform, eval_transform = transforms_of(args.augment, args.size, args.padding)
    train_set = torchvision.datasets.ImageFolder(args.data + "/train", train_transform)
    val_set = torchvision.datasets.ImageFolder(args.data + "/val", eval_transform)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch, shuffle=True,
                                               generator=torch.Generator().manual_seed(args.seed))
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=256)
    model = resnet18(args.width, args.size, len(train_set.classes))
    weights = [p for p in model.parameters() if p.dim() > 1]
    others = [p for p in model.parameters() if p.dim() <= 1]
    optimizer = torch.optim.SGD([{"params": weights, "weight_decay": args.weight_decay},
                                 {"params": others, "weight_decay": 0.0}],
                                lr=learning_rate(args, 0), momentum=args.momentum, nesterov=True)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        lr = learning_rate(args, epoch)
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        total_loss = seen = 0
        for images, labels in train_loader:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * labels.numel()
            seen += labels.numel()
        print(json.dumps({"epoch": epoch + 1, "lr": round(lr, 6), "loss": round(total_loss / seen, 5)}), flush=True)
    top1 = accuracy(model, val_loader)
    print(json.dumps({"top1": top1, "seconds": round(time.perf_counter() - start, 1), "train_images": len(train_set),
                      "val_images": len(val_set), "torch": torch.__version__, "threads": torch.get_num_threads()}),
          flush=True)


if __name__ == "__main__":
    main()
