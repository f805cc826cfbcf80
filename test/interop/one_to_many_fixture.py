"""Writes the PyTorch reference fixtures of kind "one_to_many" (test/fixtures/torch/one_to_many_*.json) that
test/unit/torch/oneToManyFixture.ts checks the engine's OneToMany (src/engine/oneToMany.ts) against.

usage: /usr/bin/python3 test/interop/one_to_many_fixture.py OUT_DIR

The model, in float64, with PyTorch state_dict names:
  c = condition(label)                                  Embedding(N, K)
  h0 = tanh(init_h(c)).view(B, L, H).transpose(0, 1)    Linear(K, L*H); c0 likewise from init_c for the LSTM
  logits = head(rnn(embedding(dec_in), h0[, c0]))       Embedding(V, E), LSTM/GRU/RNN batch_first, Linear(H, V)
  loss = cross_entropy(logits, targets, ignore_index=PAD=0, reduction='sum')
Rows are BOS-prefixed inputs and EOS-suffixed targets, padded with PAD; one row is shorter than the others.
"""
import json
import os
import sys

import torch

PAD, BOS, EOS = 0, 2, 3
MODES = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN_TANH": torch.nn.RNN}


def nested(t):
    return t.detach().tolist()


def fixture(name, mode, L, H, K, E, V, N, seed):
    torch.manual_seed(seed)
    torch.set_default_dtype(torch.float64)
    mods = {"condition": torch.nn.Embedding(N, K), "init_h": torch.nn.Linear(K, L * H)}
    if mode == "LSTM":
        mods["init_c"] = torch.nn.Linear(K, L * H)
    mods["embedding"] = torch.nn.Embedding(V, E)
    mods["rnn"] = MODES[mode](E, H, L, batch_first=True)
    mods["head"] = torch.nn.Linear(H, V)
    for m in mods.values():  # larger than the default init, so the gradients are not all tiny
        for p in m.parameters():
            torch.nn.init.uniform_(p, -0.8, 0.8)
    net = torch.nn.ModuleDict(mods)
    texts = [[4, 5, 6, 7], [8, 4], [9, 9, 5]]
    labels = [N - 1, 0, 1 % N]
    B, T = len(texts), max(len(t) for t in texts) + 1
    dec_in = [[BOS] + t + [PAD] * (T - 1 - len(t)) for t in texts]
    targets = [t + [EOS] + [PAD] * (T - 1 - len(t)) for t in texts]
    c = net["condition"](torch.tensor(labels))
    h0 = torch.tanh(net["init_h"](c)).view(B, L, H).transpose(0, 1).contiguous()
    state = (h0, torch.tanh(net["init_c"](c)).view(B, L, H).transpose(0, 1).contiguous()) if mode == "LSTM" else h0
    out, _ = net["rnn"](net["embedding"](torch.tensor(dec_in)), state)
    logits = net["head"](out)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), torch.tensor(targets).reshape(-1), ignore_index=PAD, reduction="sum")
    loss.backward()
    params = {k: nested(v) for k, v in net.state_dict().items()}
    grads = {k: nested(p.grad) for k, p in net.named_parameters()}
    return {
        "name": name, "kind": "one_to_many", "torch_version": torch.__version__,
        "config": {"mode": mode, "num_layers": L, "hidden_size": H, "condition_size": K, "embedding_size": E,
                   "vocab_size": V, "num_labels": N, "loss": "cross_entropy, ignore_index=0, reduction=sum"},
        "params": params, "inputs": {"labels": labels, "dec_in": dec_in, "targets": targets},
        "outputs": {"logits": nested(logits), "loss": loss.item()}, "grads": grads,
    }


if __name__ == "__main__":
    out = sys.argv[1]
    for fx in [fixture("one_to_many_lstm_l2", "LSTM", 2, 4, 3, 3, 10, 3, 1), fixture("one_to_many_gru_l1", "GRU", 1, 5, 2, 4, 10, 2, 2)]:
        with open(os.path.join(out, fx["name"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(fx, f)
        print("wrote", fx["name"], "loss", fx["outputs"]["loss"])
