#!/usr/bin/env python3
"""Generate packages/nn/test/fixtures/torchvision/ (run once; the tests do not need python).

  /usr/bin/python3 packages/nn/tools/make-torchvision-fixture.py

Builds two reduced-width torchvision ResNets from torchvision's own BasicBlock/Bottleneck
(width 1/8, random init with a fixed seed, no weight download) plus torchvision.ops
FeaturePyramidNetworks, randomises the BN statistics (so frozen-BN conversion is exercised),
and writes for each case:
  <case>.weights.safetensors   state dict (PyTorch layout, incl. fc and num_batches_tracked)
  <case>.io.safetensors        input (NCHW) and the expected C2..C5 and FPN outputs (NCHW)
Also writes names.json: the state-dict names and shapes of the FULL torchvision resnet18/34/50/101
and of a torchvision FPN, so the tests can check our parameter names one-to-one.
"""
import json
import os
import sys

import torch
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
from torchvision.ops import FeaturePyramidNetwork
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool, LastLevelP6P7

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module

save_safetensors = import_module("torch-to-safetensors").save_safetensors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "torchvision")


class NarrowResNet(ResNet):
    """torchvision's ResNet with every width divided by `div` (torchvision hard-codes 64..512)."""

    def __init__(self, block, layers, div, num_classes=10):
        torch.nn.Module.__init__(self)
        norm = torch.nn.BatchNorm2d
        self._norm_layer = norm
        self.inplanes = 64 // div
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        self.conv1 = torch.nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm(self.inplanes)
        self.relu = torch.nn.ReLU(inplace=True)
        self.maxpool = torch.nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64 // div, layers[0])
        self.layer2 = self._make_layer(block, 128 // div, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256 // div, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512 // div, layers[3], stride=2)
        self.avgpool = torch.nn.AdaptiveAvgPool2d((1, 1))
        self.fc = torch.nn.Linear(512 // div * block.expansion, num_classes)

    def stages(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        c2 = self.layer1(x)
        c3 = self.layer2(c2)
        c4 = self.layer3(c3)
        c5 = self.layer4(c4)
        return [c2, c3, c4, c5]


def randomise(module, gen):
    """Random weights everywhere (BN stats too), so every conversion path matters."""
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if not t.is_floating_point():
                continue
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=gen) * 1.5 + 0.25)
            elif name.endswith("running_mean") or name.endswith("bias"):
                t.copy_(torch.randn(t.shape, generator=gen) * 0.1)
            elif t.dim() == 1:  # BN weight
                t.copy_(torch.rand(t.shape, generator=gen) * 0.5 + 0.75)
            else:  # conv / linear kernel: He-normal keeps activations O(1) through the depth
                fan_in = t[0].numel()
                t.copy_(torch.randn(t.shape, generator=gen) * (2.0 / fan_in) ** 0.5)


def make_case(name, block, layers, fpn_levels, extra, gen):
    net = NarrowResNet(block, layers, div=8).eval()
    randomise(net, gen)
    channels = [16 // 2 * block.expansion * 2**i for i in range(4)]  # 64/8 · 2^i · expansion
    in_list = [channels[i] for i in fpn_levels]
    fpn_out = 16
    extra_block = LastLevelP6P7(in_list[-1], fpn_out) if extra == "p6p7" else LastLevelMaxPool()
    fpn = FeaturePyramidNetwork(in_list, fpn_out, extra_blocks=extra_block).eval()
    randomise(fpn, gen)
    x = torch.randn(2, 3, 67, 50, generator=gen)  # odd sizes: exercises torch's padding/rounding
    with torch.no_grad():
        cs = net.stages(x)
        feats = fpn({str(i): cs[lvl] for i, lvl in enumerate(fpn_levels)})
    io = {"input": x}
    io.update({f"c{i + 2}": c for i, c in enumerate(cs)})
    io.update({f"p{i}": p for i, p in enumerate(feats.values())})
    meta = {"fpn_levels": json.dumps(fpn_levels), "fpn_extra": extra, "fpn_out": str(fpn_out),
            "layers": json.dumps(layers), "block": block.__name__, "width_div": "8",
            "torch": torch.__version__, "torchvision": torchvision.__version__}
    weights = {k: v for k, v in net.state_dict().items()}
    weights.update({f"fpn.{k}": v for k, v in fpn.state_dict().items()})
    save_safetensors(weights, os.path.join(OUT, f"{name}.weights.safetensors"), meta)
    save_safetensors(io, os.path.join(OUT, f"{name}.io.safetensors"), meta)


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(20211231)
    make_case("resnet50w8-fpn-p6p7", Bottleneck, [3, 4, 6, 3], [1, 2, 3], "p6p7", gen)
    make_case("resnet18w8-fpn-maxpool", BasicBlock, [2, 2, 2, 2], [0, 1, 2, 3], "maxpool", gen)
    names = {}
    for depth in (18, 34, 50, 101):
        sd = getattr(torchvision.models, f"resnet{depth}")(weights=None).state_dict()
        names[f"resnet{depth}"] = [[k, list(v.shape)] for k, v in sd.items()]
    sd = FeaturePyramidNetwork([256, 512, 1024, 2048], 256, extra_blocks=LastLevelP6P7(2048, 256)).state_dict()
    names["fpn_p6p7"] = [[k, list(v.shape)] for k, v in sd.items()]
    with open(os.path.join(OUT, "names.json"), "w") as f:
        json.dump({"torchvision": torchvision.__version__, "models": names}, f, separators=(",", ":"))
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
