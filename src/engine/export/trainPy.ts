// train.py of a training project (project.ts): SeqLab's training step in PyTorch, for `python train.py` and for
// `torchrun --nproc_per_node=N train.py` (DistributedDataParallel; Gloo on CPU, NCCL on CUDA, chosen by itself).
// What makes it a CONTINUATION of the SeqLab run rather than a restart (checked by test/unit/pytorchProject.test.ts):
//   data      the token ids SeqLab trained on (data.json), batched as engine/data/batch.ts batches them: lm rows
//             of the stream cut into BPTT chunks; the others in BatchOrder's shuffled, length-bucketed order,
//             reshuffled each epoch by a port of engine/rng.ts (xoshiro128**) continued from the checkpoint's state
//   position  the checkpoint's training.extra.position (lm chunk + carried state; the others' order and batch)
//   loss      mean cross-entropy over the GLOBAL batch's counted positions: each rank sums its rows' losses and
//             scales by world/count, so DDP's gradient average is exactly SeqLab's mean (any shard sizes)
//   update    clip_grad_norm_ (its return value is the logged grad_norm), torch.optim with the checkpoint's
//             moments and step count (Adam/AdamW exp_avg, exp_avg_sq; SGD momentum_buffer; RMSprop), the
//             schedule of engine/optim/schedule.ts evaluated at the step count
//   teacher   seq2seq teacher forcing below 1: engine/seq2seq/scheduledSampling.ts, with the same draws
// Dropout draws from torch's generator, not SeqLab's, so a run with dropout continues statistically, not bit for bit.
// Checkpoints (rank 0) are SeqLab checkpoint folders (model.safetensors, training.safetensors, seqlab.json), so
// the one reader (engine/checkpoint.ts) imports them, and `seqlab train`'s resume could even continue them.

/** The text of train.py (Python 3, torch ≥ 1.13). */
export function trainPy(): string {
  return TRAIN_PY;
}

const TRAIN_PY = String.raw`"""Continue a SeqLab run in PyTorch, on one process or many (torchrun + DistributedDataParallel).

    python train.py --steps 100                                     # one CPU, or one GPU when CUDA is there
    torchrun --standalone --nproc_per_node=4 train.py --steps 100   # 4 GPUs (NCCL), or 4 CPU processes (Gloo)

It starts from the newest checkpoint: OUT/latest when --out holds one, else checkpoint/ (SeqLab's own). Each
step takes the batch SeqLab would have taken next; rank r computes the loss of its share of the rows, DDP
averages the gradients, and the update is SeqLab's (mean loss over the counted positions, clip_grad_norm_, the
optimizer with its moments and step count, the learning-rate schedule). One JSON object per step goes to
stdout and OUT/metrics.jsonl. Rank 0 writes a SeqLab checkpoint to OUT/step-NNNNNNNN every --checkpoint-every
steps and at the end; "seqlab import OUT --out MODEL" (or "SeqLab: Load Model..." on this folder) reads it.
"""
import argparse
import json
import math
import os
import shutil
import sys
import zlib

import torch
import torch.distributed as dist
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as seqlab  # noqa: E402  (model.py next to this file)

PAD, BOS, EOS = 0, 2, 3
TAG_IGNORE = -1
MASK32 = 0xFFFFFFFF


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK32


class Rng:
    """SeqLab's one generator (engine/rng.ts: xoshiro128**), continued from the checkpoint's four words."""

    def __init__(self, state):
        self.s = [int(x) & MASK32 for x in state]

    def next_u32(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & MASK32, 7) * 9) & MASK32
        t = (s1 << 9) & MASK32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def next(self):
        return self.next_u32() / 4294967296.0

    def int(self, n):
        return math.floor(self.next() * n)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.int(i + 1)
            items[i], items[j] = items[j], items[i]


class BatchOrder:
    """engine/data/batch.ts BatchOrder: each epoch shuffles the examples, sorts windows of 8 batches by length
    (ties by index), then shuffles the order of the whole batches (a partial last batch stays last)."""

    BUCKET_BATCHES = 8

    def __init__(self, lengths, B, rng, state):
        self.n, self.B, self.lengths, self.rng = len(lengths), B, lengths, rng
        self.nb = (self.n + B - 1) // B
        if sorted(state["order"]) != list(range(self.n)) or sorted(state["batches"]) != list(range(self.nb)):
            raise SystemExit("train.py: the checkpoint's example order does not fit data.json (%d examples, batch %d)" % (self.n, B))
        self.order, self.perm = list(state["order"]), list(state["batches"])
        self.taken, self.epoch = int(state["taken"]), int(state["epoch"])

    def reset(self):
        n, B, lengths = self.n, self.B, self.lengths
        order, perm = list(range(n)), list(range(self.nb))
        self.rng.shuffle(order)
        w = self.BUCKET_BATCHES * B
        for s in range(0, n, w):
            order[s:s + w] = sorted(order[s:s + w], key=lambda i: (lengths[i], i))
        head = perm[:n // B]
        self.rng.shuffle(head)
        perm[:len(head)] = head
        self.order, self.perm, self.taken = order, perm, 0
        self.epoch += 1

    def next(self):
        if self.taken >= self.nb:
            return None
        start = self.perm[self.taken] * self.B
        self.taken += 1
        return self.order[start:start + min(self.B, self.n - start)]

    def state(self):
        return {"order": self.order, "batches": self.perm, "taken": self.taken, "epoch": self.epoch}


def learning_rate(s, step):
    """engine/optim/schedule.ts: constant, step or cosine (held at minLr), after an optional linear warm-up."""
    w = (s.get("warmup") or {}).get("steps", 0)
    if step < w:
        f0 = (s.get("warmup") or {}).get("startFactor", 0)
        return s["lr"] * (f0 + (1 - f0) * step / w)
    k = step - w
    if s["kind"] == "constant":
        return s["lr"]
    if s["kind"] == "step":
        return s["lr"] * math.pow(s.get("gamma", 0.1), math.floor(k / s["stepSize"]))
    if s["kind"] != "cosine":  # a schedule this train.py does not know: never guess a learning rate
        raise SystemExit("train.py: unknown learning-rate schedule %r in config.json" % s["kind"])
    span, lo = s["totalSteps"] - w, s.get("minLr", 0)
    return lo + (s["lr"] - lo) * (1 + math.cos(math.pi * min(k, span) / span)) / 2


def padded(rows, width, value):
    return torch.tensor([list(r) + [value] * (width - len(r)) for r in rows], dtype=torch.long)


class Batches:
    """The global batch SeqLab takes next, as tensors, and the number of positions its mean loss divides by."""

    def __init__(self, kind, data, cfg, position, rng, carry):
        self.kind, self.data, self.cfg, self.rng = kind, data, cfg, rng
        self.epoch = int(position["epoch"])
        if kind == "lm":
            self.B, self.T = data["rows"], data["seqLen"]
            self.L = len(data["stream"]) // self.B
            self.rows = torch.tensor(data["stream"][:self.B * self.L], dtype=torch.long).view(self.B, self.L)
            self.chunk = int(position["chunk"])
            self.pos = min((self.chunk + 1) * self.T, self.L - 1)
            self.carried = bool(position["carried"]) and carry is not None
            self.carry = carry  # (h (L, B, H), c or None) of every row; each rank reads its own rows
            return
        lengths = [len(s) for s in (data["src"] if kind == "seq2seq" else data["seqs"])]
        self.order = BatchOrder(lengths, data["batch"], rng, position["order"])

    def next(self):
        """dict of (global) tensors for the next step, as the SeqLab task's trainStep() would fill them."""
        if self.kind == "lm":
            if self.pos >= self.L - 1:
                self.pos, self.chunk, self.epoch = 0, -1, self.epoch + 1
            n = min(self.T, self.L - 1 - self.pos)
            x, y = self.rows[:, self.pos:self.pos + n], self.rows[:, self.pos + 1:self.pos + 1 + n]
            self.pos += n
            self.chunk += 1
            if self.chunk == 0:
                self.carried = False  # the start of the streams: the state is reset
            return {"tokens": x, "targets": y, "count": x.numel(), "rows": self.B}
        idx = self.order.next()
        if idx is None:
            self.order.reset()
            self.epoch += 1
            idx = self.order.next()
        d = self.data
        if self.kind in ("seq2seq", "one-to-many"):
            tgt = [d["tgt" if self.kind == "seq2seq" else "seqs"][i] for i in idx]
            T = max(len(t) for t in tgt) + 1
            b = {"dec_in": padded([[BOS] + t for t in tgt], T, PAD), "targets": padded([t + [EOS] for t in tgt], T, PAD),
                 "count": sum(len(t) + 1 for t in tgt), "rows": len(idx)}
            if self.kind == "one-to-many":
                b["labels"] = torch.tensor([d["labels"][i] for i in idx], dtype=torch.long)
                return b
            src = [d["src"][i] for i in idx]
            b["src"] = padded(src, max(len(s) for s in src), PAD)
            b["lengths"] = torch.tensor([len(s) for s in src], dtype=torch.long)
            ratio = self.cfg["run"]["teacherForcing"]
            if ratio < 1:  # scheduledSampling.ts: one draw per (row, step >= 1) that is not padding, row-major
                dec = b["dec_in"]
                b["replace"] = torch.tensor([[t > 0 and int(dec[r, t]) != PAD and self.rng.next() >= ratio for t in range(T)]
                                             for r in range(len(idx))], dtype=torch.bool)
            return b
        seqs = [d["seqs"][i] for i in idx]
        T = max(len(s) for s in seqs)
        b = {"tokens": padded(seqs, T, PAD), "lengths": torch.tensor([len(s) for s in seqs], dtype=torch.long), "rows": len(idx)}
        if self.kind == "classify":
            b["targets"] = torch.tensor([d["labels"][i] for i in idx], dtype=torch.long)
            b["count"] = len(idx)
        else:
            b["targets"] = padded([d["tags"][i] for i in idx], T, TAG_IGNORE)
            b["count"] = sum(len(s) for s in seqs)
        return b

    def position(self):
        if self.kind == "lm":
            return {"epoch": self.epoch, "chunk": self.chunk, "carried": self.carried, "rows": self.B}
        return {"epoch": self.epoch, "order": self.order.state()}


def shard(b, lo, hi, device):
    return {k: (v[lo:hi].to(device) if torch.is_tensor(v) else v) for k, v in b.items()}


def local_loss_sum(kind, net, plain, b, state):
    """Sum of the cross-entropy over this rank's rows (and, for lm, the final recurrent state)."""
    if kind == "lm":
        logits, final = net(b["tokens"], state)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), b["targets"].reshape(-1), reduction="sum"), final
    if kind == "seq2seq":
        dec_in = b["dec_in"]
        if "replace" in b and bool(b["replace"].any()):
            with torch.no_grad():  # the teacher-forced pass whose greedy predictions replace some inputs
                plain.eval()
                greedy = plain(b["src"], b["lengths"], dec_in)[0].argmax(-1)
                plain.train()
            prev = torch.cat([dec_in[:, :1], greedy[:, :-1]], dim=1)  # the prediction made at step t - 1
            dec_in = torch.where(b["replace"], prev, dec_in)
        logits, _ = net(b["src"], b["lengths"], dec_in)
        ignore = PAD
    elif kind == "one-to-many":
        logits, _ = net(b["labels"], b["dec_in"])
        ignore = PAD
    else:
        logits, _ = net(b["tokens"], b["lengths"])
        ignore = TAG_IGNORE
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), b["targets"].reshape(-1), ignore_index=ignore, reduction="sum"), None


def make_optimizer(c, params):
    kind = c["kind"]
    if kind == "adam":
        return torch.optim.Adam(params, lr=0, betas=(c.get("beta1", 0.9), c.get("beta2", 0.999)), eps=c.get("eps", 1e-8), weight_decay=c.get("weightDecay", 0))
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=0, betas=(c.get("beta1", 0.9), c.get("beta2", 0.999)), eps=c.get("eps", 1e-8), weight_decay=c.get("weightDecay", 1e-2))
    if kind == "sgd":
        return torch.optim.SGD(params, lr=0, momentum=c.get("momentum", 0), dampening=c.get("dampening", 0), weight_decay=c.get("weightDecay", 0), nesterov=c.get("nesterov", False))
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=0, alpha=c.get("alpha", 0.99), eps=c.get("eps", 1e-8), weight_decay=c.get("weightDecay", 0), momentum=c.get("momentum", 0), centered=c.get("centered", False))
    raise SystemExit("train.py: unknown optimizer %r" % kind)


def load_optimizer_state(opt, named, moments, step_count):
    """The checkpoint's moment arenas (training.safetensors "optim.<moment>.<param>") as torch.optim state."""
    if step_count == 0:
        return  # torch starts every moment itself, as SeqLab does (SGD's buffer from the first gradient)
    state = {}
    for i, (name, p) in enumerate(named):
        s = {m: moments[m][name].to(p.device).reshape(p.shape).clone() for m in moments}
        if not isinstance(opt, torch.optim.SGD):
            s["step"] = torch.tensor(float(step_count))
        state[i] = s
    sd = opt.state_dict()
    opt.load_state_dict({"state": state, "param_groups": sd["param_groups"]})


def read_checkpoint(d):
    with open(os.path.join(d, "seqlab.json"), encoding="utf-8") as f:
        meta = json.load(f)
    weights = seqlab.load_safetensors(os.path.join(d, "model.safetensors"))
    st = seqlab.load_safetensors(os.path.join(d, "training.safetensors")) if meta.get("training") else {}
    return meta, weights, st


def write_checkpoint(out, step, meta0, net, opt, named, moment_names, batches, rng, carry, torch_version):
    """A SeqLab checkpoint folder OUT/step-NNNNNNNN (written aside, then renamed), then OUT/latest names it."""
    name = "step-%08d" % step
    final, tmp = os.path.join(out, name), os.path.join(out, name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    weights = {k: v for k, v in net.state_dict().items()}
    seqlab.save_safetensors(weights, os.path.join(tmp, "model.safetensors"), {"format": "pt"})
    state, buffers = {}, {}
    for m in moment_names:
        for pname, p in named:
            s = opt.state.get(p, {})
            state["optim.%s.%s" % (m, pname)] = s[m] if m in s else torch.zeros_like(p)
    if carry is not None:
        for key, t in (("carry_h", carry[0]), ("carry_c", carry[1])):
            state["buffer." + key] = t.reshape(-1)
            buffers[key] = [t.numel()]
    seqlab.save_safetensors(state, os.path.join(tmp, "training.safetensors"))
    meta = json.loads(json.dumps(meta0))
    t = meta["training"]
    t["stepCount"], t["rng"], t["moments"], t["buffers"] = step, list(rng.s), sorted(moment_names), buffers
    t["extra"]["position"] = batches.position()
    meta["tensors"] = {k: list(v.shape) for k, v in weights.items()}
    meta["info"] = dict(meta.get("info") or {}, trainedWith="pytorch " + torch_version, trainedSteps=step)
    crc = {}
    for f in ("model.safetensors", "training.safetensors"):
        with open(os.path.join(tmp, f), "rb") as fh:
            crc[f] = "crc32:%08x" % (zlib.crc32(fh.read()) & MASK32)
    meta["checksums"] = crc  # seqlab.json's own checksum is left out: SeqLab checks it only when recorded
    with open(os.path.join(tmp, "seqlab.json"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=1)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    with open(os.path.join(out, "latest.tmp"), "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
    os.replace(os.path.join(out, "latest.tmp"), os.path.join(out, "latest"))
    for old in sorted(x for x in os.listdir(out) if x.startswith("step-") and not x.endswith(".tmp"))[:-2]:
        shutil.rmtree(os.path.join(out, old), ignore_errors=True)  # keep the newest two


def latest_checkpoint(out):
    p = os.path.join(out, "latest")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as fh:
            d = os.path.join(out, fh.read().strip())
        if os.path.exists(os.path.join(d, "seqlab.json")):
            return d
    return os.path.join(HERE, "checkpoint")


def trim_metrics(path, step):
    """Drops the lines of steps after step (taken before a crash, taken again now): one line per step."""
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as fh:
        keep = [l for l in fh if l.strip() and json.loads(l).get("step", 0) <= step]
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(keep)


def emit(obj):
    """One JSON object per line, written in one call: torchrun's processes share stdout, and print() writes the
    line and its newline separately, so lines of two ranks could interleave."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description="Continue a SeqLab run in PyTorch (python train.py, or torchrun ... train.py).")
    ap.add_argument("--steps", type=int, default=None, help="train this many more steps, then stop (default: the rest of the run's step limit)")
    ap.add_argument("--out", default=os.path.join(HERE, "runs"), help="folder of the checkpoints and metrics.jsonl (default: runs/ next to train.py)")
    ap.add_argument("--checkpoint-every", type=int, default=None, help="steps between checkpoints (default: the run's checkpointEvery)")
    ap.add_argument("--cpu", action="store_true", help="train on the CPU even when CUDA is available")
    args = ap.parse_args()

    with open(os.path.join(HERE, "config.json"), encoding="utf-8") as fh:
        cfg = json.load(fh)
    with open(os.path.join(HERE, "data.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    cuda = torch.cuda.is_available() and not args.cpu
    distributed = "LOCAL_RANK" in os.environ
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
        rank, world, local = dist.get_rank(), dist.get_world_size(), int(os.environ["LOCAL_RANK"])
    else:
        rank, world, local = 0, 1, 0
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)

    start = latest_checkpoint(args.out)
    meta, weights, st = read_checkpoint(start)
    training = meta.get("training")
    if not training:
        raise SystemExit("train.py: %s holds no training state" % start)
    kind = meta["architecture"]["kind"]
    net = seqlab.build(meta["architecture"])
    net.load_state_dict(weights, strict=True)
    net.to(device).train()
    named = list(net.named_parameters())
    opt = make_optimizer(training["optimizer"], [p for _, p in named])
    moments = {m: {pn: st["optim.%s.%s" % (m, pn)] for pn, _ in named} for m in training["moments"]}
    step = int(training["stepCount"])
    load_optimizer_state(opt, named, moments, step)
    rng = Rng(training["rng"])
    extra = training["extra"]
    carry = None
    if kind == "lm":
        r = meta["architecture"]["config"]["rnn"]
        shape = (r["numLayers"], data["rows"], r["hiddenSize"])
        carry = (st["buffer.carry_h"].view(shape).to(device), st["buffer.carry_c"].view(shape).to(device))
    batches = Batches(kind, data, cfg, extra["position"], rng, carry)
    schedule = dict(cfg["schedule"])
    clip = extra.get("clip")
    ddp = torch.nn.parallel.DistributedDataParallel(net, device_ids=[local] if cuda else None) if distributed else net
    lstm = kind == "lm" and meta["architecture"]["config"]["rnn"]["cell"] == "lstm"

    remaining = args.steps if args.steps is not None else cfg["run"]["steps"] - step
    if remaining is None or remaining <= 0:
        raise SystemExit("train.py: the run's step limit is reached (step %d); give --steps N to train N more" % step)
    every = args.checkpoint_every or cfg["run"]["checkpointEvery"] or 100
    metrics = os.path.join(args.out, "metrics.jsonl")
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        trim_metrics(metrics, step)
    emit({"event": "start", "rank": rank, "world": world, "pid": os.getpid(), "step": step, "from": start,
          "backend": dist.get_backend() if distributed else None, "device": str(device)})
    moment_names = training["moments"]
    target, saved = step + remaining, step
    while step < target:
        b = batches.next()
        rows = b["rows"]
        lo, hi = rank * rows // world, (rank + 1) * rows // world
        mine = shard(b, lo, hi, device)
        lr = learning_rate(schedule, step)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=False)
        state = None
        if kind == "lm" and batches.carried:
            h0 = batches.carry[0][:, lo:hi].contiguous()
            state = (h0, batches.carry[1][:, lo:hi].contiguous()) if lstm else h0
        if hi > lo:
            total, final = local_loss_sum(kind, ddp, net, mine, state)
        else:  # no rows for this rank in a short last batch: the first row, weighted 0, so that DDP's forward and
            # gradient all-reduce still happen on every rank (a rank that skipped them would stall the others)
            total, final = local_loss_sum(kind, ddp, net, shard(b, 0, 1, device), None)
            total = total * 0.0
        (total * (world / b["count"])).backward()
        loss = total.detach().clone()
        if distributed:
            dist.all_reduce(loss)
        loss = float(loss) / b["count"]
        params = [p for _, p in named]
        if clip is not None:
            norm = float(torch.nn.utils.clip_grad_norm_(params, clip))
        else:
            norm = float(torch.norm(torch.stack([p.grad.detach().norm() for p in params])))
        if not (math.isfinite(loss) and math.isfinite(norm)):
            if rank == 0:
                emit({"step": step + 1, "loss": loss, "grad_norm": norm, "nonFinite": True, "skipped": True})
            batches.carried = False
            continue
        opt.step()
        step += 1
        if kind == "lm":
            full_h, full_c = torch.zeros_like(batches.carry[0]), torch.zeros_like(batches.carry[1])
            if hi > lo:
                full_h[:, lo:hi] = (final[0] if lstm else final).detach()
                if lstm:
                    full_c[:, lo:hi] = final[1].detach()
            if distributed:  # every rank keeps the whole carry, so rank 0 can checkpoint it
                dist.all_reduce(full_h)
                dist.all_reduce(full_c)
            batches.carry, batches.carried = (full_h, full_c), True
        if rank == 0:
            line = {"step": step, "loss": loss, "grad_norm": norm, "lr": lr, "epoch": batches.epoch,
                    "clipped": clip is not None and norm > clip, "world": world}
            emit(line)
            with open(metrics, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(line) + "\n")
        if step % every == 0 or step == target:
            if rank == 0:
                write_checkpoint(args.out, step, meta, net, opt, named, moment_names, batches, rng, batches.carry if kind == "lm" else None, torch.__version__)
            saved = step
            if distributed:
                dist.barrier()
    if distributed:
        dist.destroy_process_group()
    return 0 if saved == step else 1


if __name__ == "__main__":
    sys.exit(main())
`;
