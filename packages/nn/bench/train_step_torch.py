#!/usr/bin/env python3
"""PyTorch side of bench/train-step.ts: the same ResNet+FPN training step on CPU.

  /usr/bin/python3 packages/nn/bench/train_step_torch.py --depth 18 --size 256 --threads 1

Model = torchvision ResNet (FrozenBatchNorm2d, conv1 + layer1 frozen as mmdet frozen_stages=1)
+ torchvision.ops.FeaturePyramidNetwork on C3-C5 (256 channels) + LastLevelP6P7 from C5
(RetinaNet). Loss = sum over levels of mean((P - 0.1)^2). SGD lr 0.01, momentum 0.9, wd 1e-4.
Prints one JSON line: {"median_s": wall, "median_cpu_s": process CPU time, "steps": [...]}.
"""
import argparse
import json
import statistics
import time

import torch
import torchvision
from torchvision.ops import FeaturePyramidNetwork
from torchvision.ops.feature_pyramid_network import LastLevelP6P7
from torchvision.ops.misc import FrozenBatchNorm2d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int, default=18)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    body = getattr(torchvision.models, f"resnet{args.depth}")(weights=None, norm_layer=FrozenBatchNorm2d)
    for m in (body.conv1, body.layer1):
        for p in m.parameters():
            p.requires_grad_(False)
    exp = 4 if args.depth >= 50 else 1
    chans = [128 * exp, 256 * exp, 512 * exp]
    fpn = FeaturePyramidNetwork(chans, 256, extra_blocks=LastLevelP6P7(chans[-1], 256))
    params = [p for p in list(body.parameters()) + list(fpn.parameters()) if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(args.batch, 3, args.size, args.size)

    def step():
        h = body.maxpool(body.relu(body.bn1(body.conv1(x))))
        c2 = body.layer1(h)
        c3 = body.layer2(c2)
        c4 = body.layer3(c3)
        c5 = body.layer4(c4)
        outs = fpn({"c3": c3, "c4": c4, "c5": c5})
        loss = sum(((p - 0.1) ** 2).mean() for p in outs.values())
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()  # warm-up
    times, cpu = [], []
    for _ in range(args.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(json.dumps({"median_s": statistics.median(times), "median_cpu_s": statistics.median(cpu), "steps": times,
                      "torch": torch.__version__, "threads": args.threads}))


if __name__ == "__main__":
    main()
