#!/usr/bin/env python3
"""Write a PyTorch state dict as a safetensors file, with only the standard library + torch.

The `safetensors` Python package is not needed: the format is
  [u64 little-endian header length][JSON header][raw little-endian tensor bytes],
the header mapping each name to {"dtype", "shape", "data_offsets": [begin, end]}.

Usage
  # a checkpoint file (a state dict, or a dict holding one under "state_dict" / "model"):
  python3 torch-to-safetensors.py resnet50.pth resnet50.safetensors
  # a torchvision model with its published weights (downloaded by torchvision):
  python3 torch-to-safetensors.py --torchvision resnet50 --weights IMAGENET1K_V1 resnet50.safetensors

Floating tensors are written as F32, integer ones (num_batches_tracked) as I64. Layouts are
left as PyTorch has them (OIHW conv kernels); @apdet/nn's `loadTorchSafetensors` converts them.
"""
import argparse
import json
import os
import struct
import sys

import torch


def save_safetensors(tensors, path, metadata=None):
    """Write {name: torch.Tensor} to `path` atomically (temp file + rename)."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.is_floating_point():
            t, dtype = t.to(torch.float32), "F32"
        else:
            t, dtype = t.to(torch.int64), "I64"
        # numpy's "<" dtypes guarantee little-endian bytes whatever the host.
        data = t.numpy().astype("<f4" if dtype == "F32" else "<i8").tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - (8 + len(text.encode())) % 8) % 8)  # align the data section to 8 bytes
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text.encode())))
        f.write(text.encode())
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_state_dict(path):
    obj = torch.load(path, map_location="cpu")
    for key in ("state_dict", "model"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
    if not isinstance(obj, dict):
        sys.exit(f"{path}: expected a state dict, got {type(obj).__name__}")
    return {k: v for k, v in obj.items() if torch.is_tensor(v)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", nargs="?", help="a .pth/.pt state dict file")
    ap.add_argument("output", help="the .safetensors file to write")
    ap.add_argument("--torchvision", metavar="MODEL", help="a torchvision.models builder name, e.g. resnet50")
    ap.add_argument("--weights", default="DEFAULT", help="torchvision weights enum name (default DEFAULT)")
    args = ap.parse_args()
    if args.torchvision:
        import torchvision

        model = getattr(torchvision.models, args.torchvision)(weights=args.weights)
        state = model.state_dict()
        meta = {"source": f"torchvision.models.{args.torchvision}(weights={args.weights})"}
    elif args.source:
        state = load_state_dict(args.source)
        meta = {"source": os.path.basename(args.source)}
    else:
        ap.error("give a source file or --torchvision MODEL")
    save_safetensors(state, args.output, meta)
    print(f"wrote {len(state)} tensors to {args.output}")


if __name__ == "__main__":
    main()
