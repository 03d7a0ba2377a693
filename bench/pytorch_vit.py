#!/usr/bin/env python3
"""The ViT Playground model, written again in PyTorch, to check and to time ours.

    python3 bench/pytorch_vit.py replay run.json      # same weights, same batch: same loss and gradients?
    python3 bench/pytorch_vit.py replay next.json --weights model.safetensors   # weights from `vitp export`
    python3 bench/pytorch_vit.py bench --presets tiny,small --batch 32 --threads 1

`replay` reads a `vitp step --dump` file (every initial parameter under its name, the batch,
and Burn's loss and attention-weight gradients) and recomputes them here. `bench` prints the
median milliseconds per train step (forward, cross-entropy, backward, Adam update), after
warm-up, as `vitp bench` does for Burn.

Burn's `Linear` computes y = x · W + b with W stored [d_in, d_out]; torch's stores W^T.
"""

import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "tiny": dict(image_size=32, channels=1, patch_size=8, width=32, heads=2, depth=2, mlp_width=64),
    "small": dict(image_size=32, channels=1, patch_size=4, width=64, heads=4, depth=4, mlp_width=128),
    "vit-s14": dict(image_size=224, channels=1, patch_size=14, width=384, heads=6, depth=12, mlp_width=1536),
}


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(width, width) for _ in range(4))

    def forward(self, x):
        b, t, w = x.shape
        d = w // self.heads

        def split(y):
            return y.reshape(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.wq(x)), split(self.wk(x)), split(self.wv(x))
        scores = q @ k.transpose(2, 3) / math.sqrt(d)
        attention = scores.softmax(dim=3)
        mixed = (attention @ v).transpose(1, 2).reshape(b, t, w)
        return self.wo(mixed)


class Block(nn.Module):
    def __init__(self, width, heads, mlp_width, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=eps)
        self.attn = Attention(width, heads)
        self.norm2 = nn.LayerNorm(width, eps=eps)
        self.fc1 = nn.Linear(width, mlp_width)
        self.fc2 = nn.Linear(mlp_width, width)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Vit(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        p, w = c["patch_size"], c["width"]
        tokens = 1 + (c["image_size"] // p) ** 2
        eps = c.get("layer_norm_eps", 1e-5)
        self.patch_embed = nn.Linear(p * p * c["channels"], w)
        self.cls_token = nn.Parameter(torch.zeros(w))
        self.pos_embed = nn.Parameter(torch.zeros(tokens, w))
        self.blocks = nn.ModuleList(Block(w, c["heads"], c["mlp_width"], eps) for _ in range(c["depth"]))
        self.norm = nn.LayerNorm(w, eps=eps)
        self.head = nn.Linear(w, c["classes"])

    def patchify(self, images):
        # [B, C, H, W] -> [B, patches, p*p*C]: patches row-major, pixels row-major, channel innermost.
        b, ch, h, w = images.shape
        p = self.c["patch_size"]
        x = images.reshape(b, ch, h // p, p, w // p, p).permute(0, 2, 4, 3, 5, 1)
        return x.reshape(b, (h // p) * (w // p), p * p * ch)

    def forward(self, images):
        x = self.patch_embed(self.patchify(images))
        cls = self.cls_token.reshape(1, 1, -1).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x[:, 0]))

    def torch_parameter(self, name):
        """The torch parameter behind one of the dump's names, and whether it is transposed."""
        parts = name.split(".")
        if parts[0] == "blocks":
            block = self.blocks[int(parts[1])]
            rest = parts[2:]
            if rest[0] == "attn":
                layer, kind = getattr(block.attn, rest[1]), rest[2]
            elif rest[0] == "mlp":
                layer, kind = getattr(block, rest[1]), rest[2]
            else:
                layer, kind = getattr(block, rest[0]), rest[1]
        elif parts[0] in ("cls_token", "pos_embed"):
            return getattr(self, parts[0]), False
        else:
            layer, kind = getattr(self, parts[0]), parts[1]
        mapping = {"weight": "weight", "bias": "bias", "gamma": "weight", "beta": "bias"}
        param = getattr(layer, mapping[kind])
        return param, isinstance(layer, nn.Linear) and kind == "weight"

    def load_dump(self, params):
        self.load_tensors({
            name: torch.tensor(t["values"], dtype=torch.float32).reshape(t["shape"])
            for name, t in params.items()
        })

    def load_tensors(self, tensors):
        """Every parameter from tensors named and laid out as Burn's (a dump's or a run file's)."""
        with torch.no_grad():
            for name, value in tensors.items():
                param, transposed = self.torch_parameter(name)
                param.copy_(value.T if transposed else value)


def replay(path, weights=None):
    dump = json.load(open(path))
    config = dump["config"]
    model = Vit(config)
    if weights is None:
        model.load_dump(dump["params"])
    else:
        # The weights as another framework reads them: `vitp export`'s safetensors file.
        from safetensors.torch import load_file
        tensors = load_file(weights)
        worst = max(
            (tensors[name] - torch.tensor(t["values"]).reshape(t["shape"])).abs().max().item()
            for name, t in dump["params"].items()
        )
        print(f"{weights}: {len(tensors)} tensors, max |difference| from the dump's weights {worst:.1e}")
        model.load_tensors(tensors)
    images = torch.tensor(dump["batch"]["images"]["values"]).reshape(dump["batch"]["images"]["shape"])
    labels = torch.tensor(dump["batch"]["labels"])
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    # The same step in float64: how far each float32 computation, Burn's and torch's, is
    # from the exact one, so that their difference can be read against their own rounding.
    exact = Vit(config).double()
    exact.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    exact_loss = F.cross_entropy(exact(images.double()), labels)
    exact_loss.backward()
    report = dump["report"]
    print(f"loss: burn {report['loss']:.7f}  torch {loss.item():.7f}  |diff| {abs(report['loss'] - loss.item()):.2e}"
          f"  (float64 {exact_loss.item():.9f})")
    worst = 0.0
    worst_from_exact = {"burn": 0.0, "torch": 0.0}
    for name, g in report["grads"].items():
        param, transposed = model.torch_parameter(name)
        reference, _ = exact.torch_parameter(name)
        ours = torch.tensor(g["values"]).reshape(g["shape"])
        theirs = param.grad.T if transposed else param.grad
        truth = reference.grad.T if transposed else reference.grad
        diff = (ours - theirs).abs().max().item()
        scale = theirs.abs().max().item()
        worst = max(worst, diff / max(scale, 1e-12))
        for who, grad in (("burn", ours), ("torch", theirs)):
            off = (grad.double() - truth).abs().max().item() / max(truth.abs().max().item(), 1e-12)
            worst_from_exact[who] = max(worst_from_exact[who], off)
        print(f"{name:28s} max |grad| {scale:.3e}  max |diff| {diff:.2e}")
    print(f"worst relative gradient difference: {worst:.2e}")
    print(f"worst relative difference from float64: burn {worst_from_exact['burn']:.2e}, "
          f"torch {worst_from_exact['torch']:.2e}")
    ok = abs(report["loss"] - loss.item()) < 1e-4 and worst < 1e-3
    print("MATCH" if ok else "MISMATCH")
    return 0 if ok else 1


def bench(presets, batch, warmup, steps, threads=None, classes=40):
    torch.manual_seed(0)
    if threads is not None:
        # Intra-op threads, as RAYON_NUM_THREADS sets them for `vitp bench`.
        torch.set_num_threads(threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print("| preset | framework | batch | median ms/step | min ms/step |")
    print("|---|---|---|---|---|")
    for name in presets:
        config = dict(PRESETS[name], classes=classes)
        model = Vit(config)
        for p in model.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        images = torch.randn(batch * 4, config["channels"], config["image_size"], config["image_size"])
        labels = torch.arange(batch * 4) % classes
        times = []
        for i in range(warmup + steps):
            lo = (i % 4) * batch
            x, y = images[lo:lo + batch], labels[lo:lo + batch]
            start = time.perf_counter()
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            loss.item()
            if i >= warmup:
                times.append((time.perf_counter() - start) * 1e3)
        print(f"| {name} | pytorch | {batch} | {statistics.median(times):.2f} | {min(times):.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("replay")
    r.add_argument("dump")
    r.add_argument("--weights", help="load the weights from this safetensors file (vitp export) instead of the dump")
    b = sub.add_parser("bench")
    b.add_argument("--presets", default="tiny,small")
    b.add_argument("--batch", type=int, default=32)
    b.add_argument("--warmup", type=int, default=5)
    b.add_argument("--steps", type=int, default=30)
    b.add_argument("--threads", type=int, help="torch.set_num_threads (default: PyTorch's own, one per core)")
    args = parser.parse_args()
    if args.command == "replay":
        return replay(args.dump, args.weights)
    bench(args.presets.split(","), args.batch, args.warmup, args.steps, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
