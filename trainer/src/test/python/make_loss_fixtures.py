"""PyTorch reference for LabelSmoothingCrossEntropy: torch.nn.CrossEntropyLoss(label_smoothing=0.1).

Run with Debian's python3-torch: /usr/bin/python3 trainer/src/test/python/make_loss_fixtures.py
Writes trainer/src/test/resources/fixtures/model/label_smoothing.npz (logits, one-hot labels, mean loss, d loss/d logits).
"""
from pathlib import Path

import numpy as np
import torch

torch.manual_seed(11)
logits = torch.randn(5, 7, dtype=torch.float64, requires_grad=True)
targets = torch.tensor([0, 3, 6, 2, 3])
loss = torch.nn.CrossEntropyLoss(label_smoothing=0.1)(logits, targets)
loss.backward()
out = Path(__file__).resolve().parents[1] / "resources/fixtures/model/label_smoothing.npz"
np.savez(out, logits=logits.detach().numpy(), labels=np.eye(7)[targets.numpy()],
         loss=np.array([loss.item()]), grad=logits.grad.numpy())
print("wrote", out)
