#!/usr/bin/env python3
"""PyTorch's side of the CPU speed table (tests/bench/cpu_speed.sh): sweep's models written in
plain PyTorch (the same layers as worker/models/cnn.cpp, worker/models/resnet.cpp, worker/models/vit.cpp), trained
with Adam on random batches in memory (no data pipeline), in each memory format and precision.

  python3 cpu_models.py --model cnn --filters 32 --side 28 --channels 1 --threads 1 \
      --layout contiguous|channels_last --precision fp32|bf16 [--batch 64] [--seconds 6]

Prints one line: samples/s=...  (training steps after 3 warm-up steps, for about --seconds).
"""
import argparse, math, time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Cnn(nn.Module):  # worker/models/cnn.cpp: conv_blocks 2, no batch norm
    def __init__(self, channels, side, filters, dense=128, classes=10, dropout=0.25):
        super().__init__()
        f = filters
        self.features = nn.Sequential(
            nn.Conv2d(channels, f, 3, padding=1), nn.ReLU(), nn.Conv2d(f, f, 3, padding=1),
            nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(f, 2 * f, 3, padding=1), nn.ReLU(),
            nn.Conv2d(2 * f, 2 * f, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.dense = nn.Linear(2 * f * (side // 4) ** 2, dense)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(dense, classes)

    def forward(self, x):
        return self.out(self.drop(F.relu(self.dense(self.features(x).flatten(1)))))


class Block(nn.Module):  # worker/models/resnet.cpp BasicBlock
    def __init__(self, i, o, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(o)
        self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)
        self.shortcut = None
        if stride != 1 or i != o:
            self.shortcut = nn.Sequential(nn.Conv2d(i, o, 1, stride, 0, bias=False),
                                          nn.BatchNorm2d(o))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


class ResNet(nn.Module):  # worker/models/resnet.cpp, depth 18, width 1
    def __init__(self, channels, side, classes=10, dropout=0.25):
        super().__init__()
        w = [64, 128, 256, 512]
        if side <= 64:
            self.stem = nn.Sequential(nn.Conv2d(channels, w[0], 3, 1, 1, bias=False),
                                      nn.BatchNorm2d(w[0]), nn.ReLU())
        else:
            self.stem = nn.Sequential(nn.Conv2d(channels, w[0], 7, 2, 3, bias=False),
                                      nn.BatchNorm2d(w[0]), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, i = [], w[0]
        for s in range(4):
            for b in range(2):
                blocks.append(Block(i, w[s], 2 if s > 0 and b == 0 else 1))
                i = w[s]
        self.stages = nn.Sequential(*blocks)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(i, classes)

    def forward(self, x):
        x = F.adaptive_avg_pool2d(self.stages(self.stem(x)), 1).flatten(1)
        return self.fc(self.drop(x))


class VitBlock(nn.Module):  # worker/models/vit.cpp Block
    def __init__(self, dim, heads, mlp, dropout):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.fc1, self.fc2 = nn.Linear(dim, mlp), nn.Linear(mlp, dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        b, t, d = x.shape
        hd = d // self.heads
        q, k, v = self.qkv(self.ln1(x)).reshape(b, t, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(hd), -1)
        y = (self.drop(att) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.drop(self.proj(y))
        return x + self.drop(self.fc2(self.drop(F.gelu(self.fc1(self.ln2(x))))))


class Vit(nn.Module):  # worker/models/vit.cpp, embed 64, heads 4, mlp 128, depth 6
    def __init__(self, channels, side, dim=64, heads=4, mlp=128, depth=6, classes=10, dropout=0.25):
        super().__init__()
        h = dim // 2

        def cbr(i, o, s):
            return [nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]

        self.stem = nn.Sequential(*cbr(channels, h, 2), *cbr(h, h, 2), *cbr(h, dim, 1))
        tokens = ((side + 3) // 4) ** 2
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, tokens + 1, dim) * 0.02)
        self.blocks = nn.ModuleList(VitBlock(dim, heads, mlp, dropout) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        t = self.stem(x).flatten(2).transpose(1, 2)
        t = self.drop(torch.cat([self.cls.expand(t.shape[0], 1, t.shape[2]), t], 1) + self.pos)
        for b in self.blocks:
            t = b(t)
        return self.head(self.drop(self.norm(t[:, 0])))


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--model", default="cnn", choices=["cnn", "resnet", "vit"])
    a.add_argument("--filters", type=int, default=32)
    a.add_argument("--side", type=int, default=28)
    a.add_argument("--channels", type=int, default=1)
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--layout", default="contiguous", choices=["contiguous", "channels_last"])
    a.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    a.add_argument("--vit-depth", type=int, default=6)
    a.add_argument("--seconds", type=float, default=6)
    o = a.parse_args()
    torch.set_num_threads(o.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    if o.model == "cnn":
        model = Cnn(o.channels, o.side, o.filters)
    elif o.model == "resnet":
        model = ResNet(o.channels, o.side)
    else:
        model = Vit(o.channels, o.side, depth=o.vit_depth)
    fmt = torch.channels_last if o.layout == "channels_last" else torch.contiguous_format
    model = model.to(memory_format=fmt)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(o.batch, o.channels, o.side, o.side).contiguous(memory_format=fmt)
    y = torch.randint(0, 10, (o.batch,))

    def step():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=o.precision == "bf16"):
            logits = model(x)
        loss = F.cross_entropy(logits.float(), y)
        loss.backward()
        opt.step()
        loss.item()

    for _ in range(3):
        step()
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < o.seconds:
        step()
        steps += 1
    print(f"samples/s={steps * o.batch / (time.perf_counter() - t0):.1f}")


if __name__ == "__main__":
    main()
