"""Interop checks driven by test/unit/export.test.ts, in real PyTorch (Debian's python3-torch).

usage: /usr/bin/python3 torch_interop.py JOBS.json
Each job is one of
  {"op": "forward", "export": DIR, "tokens": [[...]], "out": FILE}
      import DIR/model.py, load the export with it, write the logits (B, T, V) of `tokens` to FILE as JSON
  {"op": "train", "export": DIR, "tokens": [[...]], "targets": [[...]], "steps": N, "seed": S, "save": DIR2, "out": FILE}
      build the module from DIR/seqlab.json, re-initialise it with torch's own init (torch.manual_seed(S)),
      take N Adam steps on (tokens -> targets), save the weights with model.save_safetensors to
      DIR2/weights.safetensors and write the logits of `tokens` after training to FILE
A seq2seq job gives "src" (B, S), "lengths" (B) and "dec_in" (B, T) instead of "tokens"; the attention
weights (B, T, S) are written too.
"""
import importlib.util
import json
import os
import sys

import torch


def load_model_py(directory):
    spec = importlib.util.spec_from_file_location("seqlab_export_%d" % abs(hash(directory)), os.path.join(directory, "model.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(job):
    mod = load_model_py(job["export"])
    if "src" in job:
        args = (torch.tensor(job["src"], dtype=torch.long), torch.tensor(job["lengths"], dtype=torch.long),
                torch.tensor(job["dec_in"], dtype=torch.long))
    else:
        args = (torch.tensor(job["tokens"], dtype=torch.long),)
    if job["op"] == "forward":
        net, _ = mod.load(job["export"])
    elif job["op"] == "train":
        with open(os.path.join(job["export"], "seqlab.json"), encoding="utf-8") as f:
            meta = json.load(f)
        torch.manual_seed(job["seed"])
        net = mod.build(meta["architecture"])
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        targets = torch.tensor(job["targets"], dtype=torch.long)
        for _ in range(job["steps"]):
            opt.zero_grad()
            logits, _ = net(*args)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
            loss.backward()
            opt.step()
        os.makedirs(job["save"], exist_ok=True)
        mod.save_safetensors(net.state_dict(), os.path.join(job["save"], "weights.safetensors"), {"format": "pt"})
        net.eval()
    else:
        raise ValueError("unknown op %r" % job["op"])
    with torch.no_grad():
        logits, extra = net(*args)
    result = {"shape": list(logits.shape), "logits": logits.reshape(-1).tolist(), "torch": torch.__version__}
    if "src" in job and extra is not None:
        result["attention"] = extra.reshape(-1).tolist()
    with open(job["out"], "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        for job in json.load(f):
            run(job)
