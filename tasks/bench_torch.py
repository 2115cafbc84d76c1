#!/usr/bin/env python3
"""PyTorch comparison point for `deno task bench` (CPU) and `tasks/gpu_bench.sh` (CUDA).

Builds the Pointwise min-max model as method.md and Pointwise define it
(ResNet with a width multiplier and a 7x7 or deep stem, two WILDCAT heads,
M+ upsampled with align_corners and detached, R+ from the batch min/max,
classifier on X+ and X- at half size) and times the same training step as
Pointwise's `trainStep` without erasing: the three losses, their gradients
and one SGD Nesterov update. Also times a square matmul, for the machine's
peak. Prints one JSON line per batch size.

  /usr/bin/python3 tasks/bench_torch.py --depth 18 --width 1 --batch 8 --size 224 --threads 2
  python3 tasks/bench_torch.py --device cuda --tf32 off --batch 8,32 --width 0.25

On CUDA each timed step ends with torch.cuda.synchronize(); cuDNN picks its
fastest algorithms (cudnn.benchmark); `--tf32 off` sets allow_tf32 = False
for cuDNN and matmul (true fp32), `--tf32 default` leaves PyTorch's defaults
(TF32 convolutions on Ampere and later).

Needs Debian's python3-torch; nothing else.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def scaled(c, width):
    return max(1, round(c * width))


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.down = None
        if stride != 1 or cin != planes:
            self.down = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.down(x) if self.down is not None else x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride):
        super().__init__()
        out = planes * 4
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.down = None
        if stride != 1 or cin != out:
            self.down = nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + (self.down(x) if self.down is not None else x))


LAYOUT = {18: ([2, 2, 2, 2], Basic), 34: ([3, 4, 6, 3], Basic), 50: ([3, 4, 6, 3], Bottleneck),
          101: ([3, 4, 23, 3], Bottleneck)}


class Backbone(nn.Module):
    def __init__(self, depth, width, deep_stem):
        super().__init__()
        blocks, block = LAYOUT[depth]
        c64 = scaled(64, width)
        if deep_stem:
            c128 = scaled(128, width)
            self.stem = nn.Sequential(
                nn.Conv2d(3, c64, 3, 2, 1, bias=False), nn.BatchNorm2d(c64), nn.ReLU(),
                nn.Conv2d(c64, c64, 3, 1, 1, bias=False), nn.BatchNorm2d(c64), nn.ReLU(),
                nn.Conv2d(c64, c128, 3, 1, 1, bias=False), nn.BatchNorm2d(c128), nn.ReLU())
            cin = c128
        else:
            self.stem = nn.Sequential(nn.Conv2d(3, c64, 7, 2, 3, bias=False), nn.BatchNorm2d(c64), nn.ReLU())
            cin = c64
        layers = []
        for i, (n, p) in enumerate(zip(blocks, [64, 128, 256, 512])):
            planes = scaled(p, width)
            for j in range(n):
                layers.append(block(cin, planes, 2 if (j == 0 and i > 0) else 1))
                cin = planes * block.expansion
        self.layers = nn.Sequential(*layers)
        self.out_channels = cin

    def forward(self, x):
        return self.layers(F.max_pool2d(self.stem(x), 3, 2, 1))


class Wildcat(nn.Module):
    def __init__(self, cin, classes, modalities, kmax, dropout):
        super().__init__()
        self.classes, self.modalities, self.kmax, self.dropout = classes, modalities, kmax, dropout
        self.to_modalities = nn.Conv2d(cin, classes * modalities, 1)

    def forward(self, x):
        m = self.to_modalities(x)
        n, _, h, w = m.shape
        maps = m.view(n, self.classes, self.modalities, h, w).mean(2)
        k = max(1, round(self.kmax * h * w))
        top = torch.topk(maps.view(n, self.classes, h * w), k, dim=-1)[0]
        top = F.dropout(top, self.dropout, self.training)
        return top.mean(-1), maps


class MinMax(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.backbone = Backbone(a.depth, a.width, a.deep_stem)
        self.headseg = Wildcat(self.backbone.out_channels, 2, 5, 0.09, a.dropout)
        self.cl32 = Wildcat(self.backbone.out_channels, 2, 5, 0.09, a.dropout)

    def step_loss(self, x, y):
        _, _, h, w = x.shape
        scores, maps = self.headseg(self.backbone(x))
        p = F.softmax(scores.detach(), 1)
        m = (p[:, :, None, None] * maps.detach()).sum(1, keepdim=True)
        m = F.interpolate(m, size=(h, w), mode="bilinear", align_corners=True)
        m = (m - m.min()) / (m.max() - m.min())
        r = torch.sigmoid(8.0 * (m - 0.5))
        small = lambda t: F.interpolate(t, size=(h // 2, w // 2), mode="bilinear", align_corners=True)
        pos = self.cl32(self.backbone(small(x * r)))[0]
        neg = self.cl32(self.backbone(small(x * (1 - r))))[0]
        uniform = -F.log_softmax(neg, 1).mean(1).mean()
        return F.cross_entropy(scores, y) + F.cross_entropy(pos, y) + uniform


def median_time(f, runs, sync=lambda: None):
    f()
    f()
    sync()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--depth", type=int, default=18)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--deep-stem", action="store_true")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--batch", default="8", help="batch size, or several: 8,32")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--matmul", type=int, default=0, help="also time an NxN matmul (GFLOP/s)")
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--tag", default=None, help="a name copied into the output (preset)")
    ap.add_argument("--tf32", default="default", choices=["default", "off"],
                    help="CUDA: 'off' sets allow_tf32 = False (true fp32)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    sync = (lambda: torch.cuda.synchronize()) if dev.type == "cuda" else (lambda: None)
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
        if a.tf32 == "off":
            torch.backends.cudnn.allow_tf32 = False
            torch.backends.cuda.matmul.allow_tf32 = False
    for batch in [int(b) for b in str(a.batch).split(",")]:
        torch.manual_seed(0)
        model = MinMax(a).train().to(dev)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, nesterov=True, weight_decay=1e-5)
        x = (torch.rand(batch, 3, a.size, a.size) * 2 - 1).to(dev)
        y = (torch.arange(batch) % 2).to(dev)

        def step():
            opt.zero_grad()
            model.step_loss(x, y).backward()
            opt.step()

        out = {"step": median_time(step, a.runs, sync), "torch": torch.__version__, "batch": batch,
               "depth": a.depth, "width": a.width, "size": a.size, "device": a.device}
        if a.tag is not None:
            out["preset"] = a.tag
        if dev.type == "cuda":
            out["gpu"] = torch.cuda.get_device_name(0)
            out["tf32"] = a.tf32
        else:
            out["threads"] = a.threads
        if a.matmul:
            n = a.matmul
            m1, m2 = torch.rand(n, n, device=dev), torch.rand(n, n, device=dev)
            out["matmul_gflops"] = 2 * n ** 3 / median_time(lambda: m1 @ m2, a.runs, sync) / 1e9
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
