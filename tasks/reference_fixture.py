#!/usr/bin/env python3
"""Reference outputs for the weight-import test, from PyTorch.

Builds a tiny version of the authors' min-max model as ../shared/docs/method.md
describes it (deep-stem ResNet with bottleneck blocks, two WILDCAT heads
`headseg` and `cl32`, buffers `w` and `sigma`), gives it random weights and
random BatchNorm statistics, and writes:

  tests/fixtures/reference_tiny.safetensors          its state_dict (reference naming)
  tests/fixtures/reference_tiny_outputs.safetensors  eval-mode outputs for two inputs

The inputs are not stored: both sides compute them from `fixture_input()`.

  /usr/bin/python3 tasks/reference_fixture.py            # regenerate the fixture
  /usr/bin/python3 tasks/reference_fixture.py --check F  # load F (exported by Pointwise)
                                                         # with load_state_dict(strict=True)
                                                         # and compare with the fixture outputs

Needs Debian's python3-torch (1.13); nothing else.
"""
import argparse
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "tests", "fixtures")
WEIGHTS = os.path.join(FIXTURES, "reference_tiny.safetensors")
OUTPUTS = os.path.join(FIXTURES, "reference_tiny_outputs.safetensors")

# The fixture model: ResNet-50 layout, deep stem, width 1/16, 2 classes x 5 modalities.
LAYERS = [3, 4, 6, 3]
WIDTH = 1 / 16
CLASSES = 2
MODALITIES = 5
KMAX = 0.09
W, SIGMA, SCALE = 8.0, 0.5, 0.5
# (height, width) of the two inputs: non-square, not multiples of 32, and
# large enough that every WILDCAT top-k keeps at least one cell.
SIZES = [(134, 70), (100, 140)]


def fixture_input(h, w):
    """The test input of size (h, w): a smooth pattern in about [-1, 1]."""
    x = torch.zeros(1, 3, h, w, dtype=torch.float64)
    ys = torch.arange(h, dtype=torch.float64).view(h, 1)
    xs = torch.arange(w, dtype=torch.float64).view(1, w)
    for c in range(3):
        x[0, c] = torch.sin(0.7 * c + 0.13 * ys) * torch.cos(0.29 * xs - 0.5 * c) + 0.1 * torch.sin(0.05 * xs * ys)
    return x.float()


def scaled(channels):
    return max(1, int(channels * WIDTH + 0.5))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        residual = self.downsample(x) if self.downsample is not None else x
        return self.relu(out + residual)


def get_k(k, n):
    if k <= 0:
        return 0
    if k < 1:
        return round(k * n)  # Python rounding, as the reference
    return min(int(k), n)


class WildCatHead(nn.Module):
    def __init__(self, inplanes):
        super().__init__()
        self.to_modalities = nn.Conv2d(inplanes, CLASSES * MODALITIES, 1, bias=True)

    def forward(self, x):
        m = self.to_modalities(x)
        n, _, h, w = m.shape
        maps = m.view(n, CLASSES, MODALITIES, -1).mean(dim=2).view(n, CLASSES, h, w)
        flat = maps.view(n, CLASSES, h * w)
        ordered = torch.sort(flat, dim=-1, descending=True)[0]
        k = get_k(KMAX, h * w)
        return ordered.narrow(-1, 0, k).sum(-1) / k, maps


class MinMax(nn.Module):
    def __init__(self):
        super().__init__()
        self.inplanes = scaled(128)
        self.conv1 = nn.Conv2d(3, scaled(64), 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(scaled(64))
        self.conv2 = nn.Conv2d(scaled(64), scaled(64), 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(scaled(64))
        self.conv3 = nn.Conv2d(scaled(64), scaled(128), 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(scaled(128))
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = self._make_layer(scaled(64), LAYERS[0])
        self.layer2 = self._make_layer(scaled(128), LAYERS[1], stride=2)
        self.layer3 = self._make_layer(scaled(256), LAYERS[2], stride=2)
        self.layer4 = self._make_layer(scaled(512), LAYERS[3], stride=2)
        self.register_buffer("sigma", torch.tensor([SIGMA]))
        self.register_buffer("w", torch.tensor([W]))
        self.headseg = WildCatHead(self.inplanes)
        self.cl32 = WildCatHead(self.inplanes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * 4, 1, stride=stride, bias=False), nn.BatchNorm2d(planes * 4)
            )
        layers = [Bottleneck(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * 4
        layers += [Bottleneck(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def backbone(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.relu(self.bn3(self.conv3(x)))
        x = self.maxpool(x)
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def segment(self, x):
        _, _, h, w = x.shape
        scores, maps = self.headseg(self.backbone(x))
        prob = F.softmax(scores, dim=1)
        mpos = (prob.view(*prob.shape, 1, 1) * maps).sum(dim=1, keepdim=True)
        return F.interpolate(mpos, size=(h, w), mode="bilinear", align_corners=True).detach(), scores

    def classify(self, x):
        _, _, h, w = x.shape
        x = F.interpolate(x, size=(int(h * SCALE), int(w * SCALE)), mode="bilinear", align_corners=True)
        return self.cl32(self.backbone(x))[0]

    def pseudo_binary(self, m):
        m = (m - m.min()) / (m.max() - m.min())
        return torch.sigmoid(self.w * (m - self.sigma))

    def infer(self, x):
        m, scores_seg = self.segment(x)
        r = self.pseudo_binary(m)
        return scores_seg, self.classify(x * r), r


def randomize(model):
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, nn.Conv2d) and mod.bias is None:
                n = mod.kernel_size[0] * mod.kernel_size[1] * mod.out_channels
                mod.weight.normal_(0, math.sqrt(2.0 / n), generator=g)
            elif isinstance(mod, nn.Conv2d):
                bound = 1 / math.sqrt(mod.in_channels)
                mod.weight.uniform_(-bound, bound, generator=g)
                mod.bias.uniform_(-bound, bound, generator=g)
            elif isinstance(mod, nn.BatchNorm2d):
                mod.weight.uniform_(0.5, 1.5, generator=g)
                mod.bias.normal_(0, 0.1, generator=g)
                mod.running_mean.normal_(0, 0.1, generator=g)
                mod.running_var.uniform_(0.5, 1.5, generator=g)
                mod.num_batches_tracked.fill_(7)


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.dtype != torch.float32 else t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[e["dtype"]]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + a : 8 + n + b]), dtype=dtype).reshape(e["shape"])
    return out, meta


def outputs(model):
    model.eval()
    out = {}
    with torch.no_grad():
        for i, (h, w) in enumerate(SIZES):
            seg, pos, mask = model.infer(fixture_input(h, w))
            out[f"scores_seg_{i}"], out[f"scores_pos_{i}"], out[f"mask_{i}"] = seg, pos, mask
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", metavar="FILE", help="a reference-named export of the fixture model")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.check:
        tensors, meta = read_safetensors(args.check)
        model = MinMax()
        model.load_state_dict(tensors, strict=True)
        want, _ = read_safetensors(OUTPUTS)
        got = outputs(model)
        worst = max((got[k] - want[k]).abs().max().item() for k in want)
        print(f"load_state_dict(strict=True) accepted {args.check}; largest output difference {worst:.3g}")
        sys.exit(0 if worst < 1e-5 else 1)
    model = MinMax()
    randomize(model)
    meta = {"layers": json.dumps(LAYERS), "width": str(WIDTH), "classes": str(CLASSES), "modalities": str(MODALITIES)}
    write_safetensors(WEIGHTS, model.state_dict(), meta)
    sizes = {"sizes": json.dumps(SIZES), "torch": torch.__version__}
    write_safetensors(OUTPUTS, outputs(model), sizes)
    for p in (WEIGHTS, OUTPUTS):
        print(f"wrote {os.path.relpath(p)} ({os.path.getsize(p)} bytes)")


if __name__ == "__main__":
    main()
