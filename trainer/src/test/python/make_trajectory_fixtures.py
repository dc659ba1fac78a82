"""Writes the PyTorch training trajectories for TrajectoryParityTest and AveragingTrajectoryParityIT.

Run with Debian's interpreter (the one that has torch):
  /usr/bin/python3 trainer/src/test/python/make_trajectory_fixtures.py

The recipe is attnspark's (RecipeConfig, Trainer.configure): SGD with Nesterov momentum 0.9, weight decay on conv and
linear weights only (torch's coupled weight_decay, which is DL4J's L2), CrossEntropyLoss(label_smoothing=0.1), and
RecipeConfig.learningRate: lr * globalBatch / 256, linear warmup over WARMUP_EPOCHS, then cosine over the rest, set
once per epoch (the trainer calls setLearningRate before each epoch). Epochs are a few steps long so that the rate
changes 8 times within the run.

trainer/src/test/resources/fixtures/trajectory/ gets
  updater.npz            torch.optim.SGD(momentum=0.9, nesterov=True) alone, for TorchNesterovTest: initial params [6],
                         grads [8, 6] (given, not computed), lr [8] (changing twice), params [8, 6] after each step
  batches.npz            inputs [10, 8, 3, 32, 32] and one-hot labels [10, 8, 10]: ten fixed batches (no augmentation)
  <net>_init.npz         the initial state_dict (torch's default init), without num_batches_tracked
  <net>_single.npz       one worker: order [steps] (batch index of each step), lr [steps], loss [steps] (the data
                         loss), loss64 [steps] (the data loss of the float64 run), l2 [steps] (0.5 * wd * sum of the decayed weights squared, before the step: DL4J adds
                         it to its score), and the state_dict after the last step under its keys
  <net>_averaged.npz     two workers, averaging every 5 steps (plain and se only): each epoch is one round of ten
                         batches, worker w takes batches 5w..5w+4 in order (as dl4j-spark gives the two halves of a
                         parallelized round of ten paths to its two partitions); after each round the parameters,
                         BN running statistics and momentum buffers are averaged (saveUpdater). round_score [rounds]
                         is the mean over the workers of their last step's loss + l2 (what SparkComputationGraph
                         reports), loss [workers, steps], and the averaged state_dict after the last round.
Networks (torchvision's ResNet-18 at width 1/16 with the small stem, 10 classes, 32 px, the attention classes of
make_attention_fixtures.py at attnspark's default placement):
  plain, se (SE r=4 after bn2), cbam (seed CBAM r=4, 7x7, after bn2), gc (ContextBlock ratio 1 after the add,
  stages 2-4, GCNet's last_zero_init), sk (SK r=2 in place of each block's strided conv1).
The one-worker files also hold loss64 [steps]: the same run in float64, so the tests can show how far torch's own
float32 trajectory drifts from exact arithmetic.
"""
import copy
import pathlib
import sys

import numpy as np
import torch
from torch import nn
from torchvision.models.resnet import BasicBlock

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_attention_fixtures import CBAM, SE, ContextBlock  # noqa: E402  (the attention tests' reference classes)
from make_torch_weight_fixtures import NarrowResNet, SKBasicBlock, attention_block  # noqa: E402

OUT_DIR = pathlib.Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "trajectory"
BATCHES, BATCH, CLASSES, SIZE = 10, 8, 10, 32
# attnspark's recipe keys (TrajectoryParityTest sets the same)
LR, MOMENTUM, WEIGHT_DECAY, SMOOTHING = 0.16, 0.9, 5e-4, 0.1
SINGLE_EPOCHS, SINGLE_STEPS_PER_EPOCH, WARMUP_EPOCHS = 8, 5, 2
WORKERS, AVERAGING_FREQUENCY, AVERAGED_EPOCHS = 2, 5, 6


def learning_rate(epoch, epochs, global_batch):
    """RecipeConfig.learningRate for the cosine schedule."""
    base = LR * global_batch / 256.0
    if epoch < WARMUP_EPOCHS:
        return base * (epoch + 1) / (WARMUP_EPOCHS + 1)
    return base * 0.5 * (1 + np.cos(np.pi * (epoch - WARMUP_EPOCHS) / (epochs - WARMUP_EPOCHS)))


class GCBasicBlock(BasicBlock):
    """GCNet's placement: the context block on the sum, before the block's ReLU, in the block's `se` attribute."""

    def __init__(self, inplanes, planes, *args, **kwargs):
        super().__init__(inplanes, planes, *args, **kwargs)
        # ratio 1: at width 1/16 ratio 1/4 leaves LayerNorm 2 values in stage 2, whose normalized output is +-1 with
        # the sign set by rounding (with a random last conv, attnspark and torch parted after two steps there)
        self.se = ContextBlock(planes, ratio=1)

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(self.se(out + identity))


def small_stem(model):
    """attnspark's stem for <= 64 px: a 3x3 stride-1 conv1 and no max-pool."""
    model.conv1 = nn.Conv2d(3, model.conv1.out_channels, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


def resnet18(block):
    return small_stem(NarrowResNet(block, [2, 2, 2, 2], num_classes=CLASSES, div=16))


def gc_resnet18():
    """GC in stages 2-4 only (GCNet's c3-c5), plain BasicBlocks in stage 1; GCNet's init (last_zero_init: the
    transform's last conv starts at zero, so each block starts as the plain one)."""
    model = resnet18(GCBasicBlock)
    for block in model.layer1:
        del block.se
        block.forward = BasicBlock.forward.__get__(block)
    with torch.no_grad():
        for block in [*model.layer2, *model.layer3, *model.layer4]:
            block.se.channel_add_conv[-1].weight.zero_()
            block.se.channel_add_conv[-1].bias.zero_()
    return model


NETWORKS = {
    "plain": lambda: resnet18(BasicBlock),
    "se": lambda: resnet18(attention_block(lambda planes: SE(planes, reduction_factor=4))),
    "cbam": lambda: resnet18(attention_block(lambda planes: CBAM(planes, reduction_factor=4, kernel_size=7))),
    "gc": gc_resnet18,
    "sk": lambda: resnet18(SKBasicBlock),
}


def optimizer(model):
    """Decay on conv and linear weights only (every parameter of 2 or more dimensions), as attnspark's L2."""
    decayed = [p for p in model.parameters() if p.dim() > 1]
    others = [p for p in model.parameters() if p.dim() <= 1]
    return torch.optim.SGD([{"params": decayed, "weight_decay": WEIGHT_DECAY}, {"params": others, "weight_decay": 0.0}],
                           lr=0.0, momentum=MOMENTUM, nesterov=True)


def l2_term(model):
    return 0.5 * WEIGHT_DECAY * sum(float((p.double() ** 2).sum()) for p in model.parameters() if p.dim() > 1)


def state(model):
    return {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items() if v.dim() > 0}


def step(model, opt, loss_fn, x, y):
    l2 = l2_term(model)
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return float(loss), l2


def train_single(model, x, y):
    model.train()
    opt, loss_fn = optimizer(model), nn.CrossEntropyLoss(label_smoothing=SMOOTHING)
    generator = np.random.default_rng(7)
    order, rates, losses, l2s = [], [], [], []
    for epoch in range(SINGLE_EPOCHS):
        lr = learning_rate(epoch, SINGLE_EPOCHS, BATCH)
        for group in opt.param_groups:
            group["lr"] = lr
        # a new order of five of the ten batches each epoch, as the trainer shuffles its shards
        for b in generator.permutation(BATCHES)[:SINGLE_STEPS_PER_EPOCH]:
            loss, l2 = step(model, opt, loss_fn, x[b], y[b])
            order.append(b), rates.append(lr), losses.append(loss), l2s.append(l2)
    return order, rates, losses, l2s


def single(name, model, x, y):
    _, _, losses64, _ = train_single(copy.deepcopy(model).double(), x.double(), y)
    order, rates, losses, l2s = train_single(model, x, y)
    np.savez(OUT_DIR / f"{name}_single.npz", order=np.array(order, dtype=np.int32), lr=np.array(rates),
             loss=np.array(losses), loss64=np.array(losses64), l2=np.array(l2s), **state(model))
    drift = np.abs(np.array(losses) - np.array(losses64)) / np.array(losses64)
    print(name, "single: loss", np.round(losses[:3], 4), "...", np.round(losses[-3:], 4),
          "float32 vs float64: steps 1-10 %.2e, 11-40 %.2e" % (drift[:10].max(), drift[10:].max()))


def average(models, optimizers):
    """ParameterAveragingTrainingMaster with saveUpdater: the mean of every parameter, running statistic and
    momentum buffer."""
    with torch.no_grad():
        states = [m.state_dict() for m in models]
        for key, value in states[0].items():
            if value.dtype.is_floating_point:
                mean = sum(s[key] for s in states) / len(states)
                for s in states:
                    s[key].copy_(mean)
        for params in zip(*[list(m.parameters()) for m in models]):
            buffers = [opt.state[p]["momentum_buffer"] for opt, p in zip(optimizers, params)]
            mean = sum(buffers) / len(buffers)
            for b in buffers:
                b.copy_(mean)


def averaged(name, model, x, y):
    models = [model] + [copy.deepcopy(model) for _ in range(WORKERS - 1)]
    optimizers = [optimizer(m) for m in models]
    loss_fn = nn.CrossEntropyLoss(label_smoothing=SMOOTHING)
    for m in models:
        m.train()
    losses = [[] for _ in models]
    round_scores = []
    for epoch in range(AVERAGED_EPOCHS):
        lr = learning_rate(epoch, AVERAGED_EPOCHS, WORKERS * BATCH)
        for opt in optimizers:
            for group in opt.param_groups:
                group["lr"] = lr
        last = []
        for w, (m, opt) in enumerate(zip(models, optimizers)):
            for b in range(w * AVERAGING_FREQUENCY, (w + 1) * AVERAGING_FREQUENCY):
                loss, l2 = step(m, opt, loss_fn, x[b], y[b])
                losses[w].append(loss)
            last.append(loss + l2)
        average(models, optimizers)
        round_scores.append(sum(last) / len(last))
    np.savez(OUT_DIR / f"{name}_averaged.npz", round_score=np.array(round_scores), loss=np.array(losses),
             **state(models[0]))
    print(name, "averaged: round scores", np.round(round_scores, 4))


def updater_steps():
    generator = torch.Generator().manual_seed(5)
    param = torch.nn.Parameter(torch.randn(6, generator=generator))
    initial = param.detach().clone()
    grads = torch.randn(8, 6, generator=generator)
    rates = torch.tensor([0.1] * 3 + [0.4] * 3 + [0.05] * 2)
    opt = torch.optim.SGD([param], lr=0.1, momentum=MOMENTUM, nesterov=True)
    after = []
    for grad, lr in zip(grads, rates):
        opt.param_groups[0]["lr"] = float(lr)
        param.grad = grad.clone()
        opt.step()
        after.append(param.detach().clone())
    np.savez(OUT_DIR / "updater.npz", initial=initial.numpy(), grads=grads.numpy(), lr=rates.numpy(),
             params=torch.stack(after).numpy())


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    updater_steps()
    generator = torch.Generator().manual_seed(13)
    labels = torch.randint(CLASSES, (BATCHES, BATCH), generator=generator)
    # a class-dependent pattern under noise, so that the loss falls
    patterns = torch.randn(CLASSES, 3, SIZE, SIZE, generator=generator)
    x = patterns[labels] * 0.5 + torch.randn(BATCHES, BATCH, 3, SIZE, SIZE, generator=generator)
    one_hot = nn.functional.one_hot(labels, CLASSES).float()
    np.savez(OUT_DIR / "batches.npz", inputs=x.numpy(), labels=one_hot.numpy())
    for name, make in NETWORKS.items():
        torch.manual_seed(1)
        model = make()
        np.savez(OUT_DIR / f"{name}_init.npz", **state(model))
        single(name, copy.deepcopy(model), x, labels)
        if name in ("plain", "se"):
            averaged(name, copy.deepcopy(model), x, labels)


if __name__ == "__main__":
    main()
