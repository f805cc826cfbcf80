// The `model.py` written next to an exported model.safetensors: plain torch.nn modules (Embedding, LSTM /
// GRU / RNN with batch_first=True, Linear) whose state_dict names are exactly SeqLab's parameter names, so
// `load_state_dict(strict=True)` takes the weights with no renaming or transposes, and the forward pass is
// SeqLab's. A bidirectional stack merged by sum / mean / weighted (not torch's concat) is MergedRNN: one
// single-layer bidirectional torch module per layer, the merge applied in Python after each layer, under the
// multi-layer names SeqLab uses (rnn.weight_ih_l1_reverse, rnn.merge_weight_l1). It parses safetensors itself (8-byte little-endian header length, JSON header, raw F32 data:
// struct + json + torch.frombuffer), because Debian's python3-torch ships without the `safetensors` package.
// It also writes safetensors (save_safetensors), so weights trained in PyTorch come back with `seqlab import`.
import type { Architecture } from './architecture';
import { ArchitectureError } from './architecture';
import { BUILD_PY, TASK_MODULES_PY } from './modelPyTasks';

/**
 * Throws ArchitectureError when the architecture has no torch.nn equivalent here: model.py's inference export
 * holds the language model and seq2seq modules only. Every bidirectional merge exports (MergedRNN in model.py).
 */
export function checkExportable(arch: Architecture): void {
  if (arch.kind === 'seq2seq') return;
  if (arch.kind !== 'lm') throw new ArchitectureError(`a ${arch.kind} model has no PyTorch export; it covers lm and seq2seq models`);
}

/**
 * Throws ArchitectureError when a training project cannot be exported: model.py builds every task kind and
 * every bidirectional merge, but a one-to-many project trains the label-conditioned model (a vector-conditioned
 * one has no task to train it).
 */
export function checkProjectExportable(arch: Architecture): void {
  if (arch.kind === 'one-to-many' && arch.config.condition.kind !== 'label') throw new ArchitectureError('a vector-conditioned one-to-many model has no training task to export');
}

export function modelPy(): string {
  return MODEL_PY;
}

const MODEL_PY = `"""SeqLab model exported for PyTorch.

    import model
    net, meta = model.load("path/to/export")      # reads seqlab.json + model.safetensors
    logits, state = net(torch.tensor([[5, 6, 7]]))  # language model: (B, T) token ids -> (B, T, V) logits
    logits, attn = net(src, src_lengths, dec_in)    # seq2seq: (B, S), (B), (B, T) -> (B, T, V), (B, T, S)
    logits, _ = net(tokens, lengths)                # classify: (B, C); tag: (B, T, C)
    logits, _ = net(labels, dec_in)                 # one-to-many: (B), (B, T) -> (B, T, V)

The parameter names are PyTorch state_dict keys (embedding.weight, rnn.weight_ih_l0, head.bias, ...), so
net.state_dict() / load_state_dict() work as usual. save_safetensors(net.state_dict(), path) writes weights
that \`seqlab import\` reads back. Token ids come from the tokenizer saved in seqlab.json (ids 0-3 are
<pad> <unk> <bos> <eos>; for a "char" tokenizer, symbol k has id 4 + k).
"""
import json
import os
import struct

import torch
from torch import nn


def load_safetensors(path):
    """Reads a safetensors file (F32/F64 tensors) into a dict of name -> torch.Tensor (float32)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: truncated safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: truncated safetensors header")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    dtypes = {"F32": torch.float32, "F64": torch.float64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in dtypes:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        begin, end = info["data_offsets"]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=dtypes[info["dtype"]]) if raw else torch.zeros(0, dtype=dtypes[info["dtype"]])
        out[name] = t.reshape(info["shape"]).to(torch.float32)
    return out


def save_safetensors(tensors, path, metadata=None):
    """Writes a dict of name -> tensor as F32 safetensors (header padded to 8 bytes, as the reference writer)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().cpu().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


class SeqLabLM(nn.Module):
    """tokens (B, T) -> embedding (B, T, E) -> recurrent stack (B, T, O) -> head -> logits (B, T, V)."""

    def __init__(self, vocab_size, embedding_size, cell, hidden_size, num_layers, bidirectional=False, dropout=0.0, merge="concat"):
        super().__init__()
        if cell not in ("lstm", "gru", "rnn_tanh", "rnn_relu"):
            raise ValueError(f"unknown cell {cell}")
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        self.rnn = _stack(cell, embedding_size, hidden_size, num_layers, bidirectional, dropout, merge)
        self.head = nn.Linear(hidden_size * (2 if bidirectional and merge == "concat" else 1), vocab_size)

    def forward(self, tokens, state=None):
        if isinstance(self.rnn, MergedRNN):
            out, state = self.rnn(self.embedding(tokens), None, state)
        else:
            out, state = self.rnn(self.embedding(tokens), state)
        return self.head(out), state


def _rnn(cell, input_size, hidden_size, num_layers, bidirectional=False, dropout=0.0):
    kw = dict(num_layers=num_layers, batch_first=True, bidirectional=bidirectional, dropout=dropout)
    if cell == "lstm":
        return nn.LSTM(input_size, hidden_size, **kw)
    if cell == "gru":
        return nn.GRU(input_size, hidden_size, **kw)
    return nn.RNN(input_size, hidden_size, nonlinearity=cell[4:], **kw)


def merge_directions(merge, alpha, hf, hb):
    """SeqLab's merge of a bidirectional layer's directions (engine/layers/merge.ts): concat [h_f; h_b],
    sum h_f + h_b, mean (h_f + h_b) / 2, weighted alpha[0] h_f + alpha[1] h_b (alpha used as is, no softmax)."""
    if merge == "concat":
        return torch.cat([hf, hb], dim=-1)
    if merge == "sum":
        return hf + hb
    if merge == "mean":
        return 0.5 * hf + 0.5 * hb
    if merge == "weighted":
        return alpha[0] * hf + alpha[1] * hb
    raise ValueError(f"unknown merge {merge}")


class MergedRNN(nn.Module):
    """A bidirectional stack whose directions SeqLab merges by sum, mean or learned weights after EVERY layer
    (engine/layers/recurrent.ts): one single-layer bidirectional nn.LSTM / GRU / RNN per layer, the merge in
    Python, and the next layer reads the merged (B, T, H) output (dropout between layers as torch's).

    The state_dict keys are those of one multi-layer nn.LSTM (weight_ih_l1_reverse, ...) plus merge_weight_l{k}
    (2,) per layer for 'weighted', i.e. SeqLab's names: the per-layer modules are kept in a plain list and their
    own Parameters are registered here under the stack's names (the same tensors, so load_state_dict, the
    optimizer and DDP all update what the layers compute with).
    forward(x (B, T, I), lengths (B) or None, state None | h0 | (h0, c0) of (2L, B, H)) -> (out (B, T, H), state).
    With lengths, each layer runs packed (the reverse direction starts at the row's last token) and padded steps
    output zeros, as SeqLab's masks do."""

    def __init__(self, cell, input_size, hidden_size, num_layers, merge, dropout=0.0):
        super().__init__()
        self.cell, self.H, self.merge, self.dropout = cell, hidden_size, merge, dropout
        layers = []
        for k in range(num_layers):
            layer = _rnn(cell, input_size if k == 0 else hidden_size, hidden_size, 1, True)
            for name in layer._flat_weights_names:
                self.register_parameter(name.replace("_l0", f"_l{k}"), getattr(layer, name))
            if merge == "weighted":
                self.register_parameter(f"merge_weight_l{k}", nn.Parameter(torch.full((2,), 0.5)))
            layers.append(layer)
        self.layers_ = layers

    def alpha(self, k):
        return getattr(self, f"merge_weight_l{k}") if self.merge == "weighted" else None

    def forward(self, x, lengths=None, state=None):
        T, L = x.shape[1], len(self.layers_)
        lstm = self.cell == "lstm"
        hs, cs, out = [], [], x
        for k, layer in enumerate(self.layers_):
            s = None
            if state is not None:
                s = tuple(t[2 * k:2 * k + 2] for t in state) if lstm else state[2 * k:2 * k + 2]
            if lengths is not None:
                packed = nn.utils.rnn.pack_padded_sequence(out, lengths.cpu(), batch_first=True, enforce_sorted=False)
                y, sN = layer(packed, s)
                y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=T)
            else:
                y, sN = layer(out, s)
            out = merge_directions(self.merge, self.alpha(k), y[..., :self.H], y[..., self.H:])
            if self.dropout > 0 and k < L - 1:
                out = nn.functional.dropout(out, self.dropout, self.training)
            hs.append(sN[0] if lstm else sN)
            if lstm:
                cs.append(sN[1])
        h = torch.cat(hs, dim=0)
        return out, ((h, torch.cat(cs, dim=0)) if lstm else h)


def _stack(cell, input_size, hidden_size, num_layers, bidirectional=False, dropout=0.0, merge="concat"):
    """torch.nn's own stack when it computes SeqLab's (unidirectional, or concat); MergedRNN otherwise."""
    if bidirectional and merge != "concat":
        return MergedRNN(cell, input_size, hidden_size, num_layers, merge, dropout)
    return _rnn(cell, input_size, hidden_size, num_layers, bidirectional, dropout)


class Attention(nn.Module):
    """Luong dot s.h_j, general s.(W h_j), or Bahdanau additive v.tanh(W_h h_j + W_s s); masked past each length.

    location_kernel K > 0 (additive only): location-aware scores (Chorowski et al. 2015),
    v.tanh(W_h h_j + W_s s_t + f_tj) with f_t = Conv1d(1, A, K, padding=K // 2)(previous step's weights),
    zeros before the first step; the T queries are then scored one step after another.
    """

    def __init__(self, score, enc_size, dec_size, attention_size, location_kernel=0):
        super().__init__()
        self.score = score
        self.location = None
        if location_kernel:
            self.location = nn.Conv1d(1, attention_size, location_kernel, padding=location_kernel // 2, bias=False)
        if score == "general":
            self.W = nn.Parameter(torch.empty(dec_size, enc_size))
        elif score == "additive":
            self.W_h = nn.Parameter(torch.empty(attention_size, enc_size))
            self.W_s = nn.Parameter(torch.empty(attention_size, dec_size))
            self.v = nn.Parameter(torch.empty(attention_size))
            for p in (self.W_h, self.W_s, self.v):
                nn.init.uniform_(p, -0.1, 0.1)
        if score == "general":
            nn.init.uniform_(self.W, -0.1, 0.1)

    def forward(self, enc, lengths, q):
        # enc (B, S, Ce), q (B, T, Hd) -> context (B, T, Ce), weights (B, T, S)
        if self.score == "dot":
            scores = q @ enc.transpose(1, 2)
        elif self.score == "general":
            scores = q @ (enc @ self.W.t()).transpose(1, 2)
        elif self.location is not None:
            return self._location_forward(enc, lengths, q)
        else:
            u = torch.tanh((enc @ self.W_h.t()).unsqueeze(1) + (q @ self.W_s.t()).unsqueeze(2))  # (B, T, S, A)
            scores = u @ self.v
        S = enc.shape[1]
        mask = torch.arange(S).unsqueeze(0) >= lengths.unsqueeze(1)  # (B, S) True at padding
        scores = scores.masked_fill(mask.unsqueeze(1), float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return weights @ enc, weights

    def _location_forward(self, enc, lengths, q):
        keys, qp = enc @ self.W_h.t(), q @ self.W_s.t()  # (B, S, A), (B, T, A)
        mask = torch.arange(enc.shape[1]).unsqueeze(0) >= lengths.unsqueeze(1)
        prev, steps = enc.new_zeros(enc.shape[0], 1, enc.shape[1]), []
        for t in range(q.shape[1]):
            f = self.location(prev).transpose(1, 2)  # (B, S, A) features of the previous weights
            scores = torch.tanh(keys + qp[:, t:t + 1] + f) @ self.v  # (B, S)
            w = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
            steps.append(w)
            prev = w.unsqueeze(1)
        weights = torch.stack(steps, dim=1)  # (B, T, S)
        return weights @ enc, weights


def flip_within_lengths(x, lengths):
    """Reverses each row's first lengths[b] steps of x (B, S, ...); padding stays in place (reverse_source)."""
    S = x.shape[1]
    j = torch.arange(S).unsqueeze(0)
    idx = torch.where(j < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - j, j)  # (B, S)
    idx = idx.view(idx.shape + (1,) * (x.dim() - 2)).expand_as(x)
    return x.gather(1, idx)


class SeqLabSeq2Seq(nn.Module):
    """Encoder-decoder with the bridge and optional attention of SeqLab's engine/seq2seq/model.ts."""

    def __init__(self, c):
        super().__init__()
        self.config = c
        E, ec, dc = c["embeddingSize"], c["encoder"], c["decoder"]
        self.cell, self.D = c["cell"], 2 if ec["bidirectional"] else 1
        self.Le, self.Ld, self.He, self.Hd = ec["numLayers"], dc["numLayers"], ec["hiddenSize"], dc["hiddenSize"]
        Ce = self.D * self.He
        self.src_embedding = nn.Embedding(c["srcVocab"], E)
        self.encoder = _rnn(self.cell, E, self.He, self.Le, ec["bidirectional"], ec.get("dropout", 0.0))
        self.tgt_embedding = nn.Embedding(c["tgtVocab"], E)
        self.decoder = _rnn(self.cell, E, self.Hd, self.Ld, False, dc.get("dropout", 0.0))
        self.learned_bridge = c.get("bridge", "auto") == "always" or Ce != self.Hd
        if self.learned_bridge:
            self.bridge = nn.Linear(Ce, self.Hd)
            if self.cell == "lstm":
                self.bridge_c = nn.Linear(Ce, self.Hd)
        self.attention = None
        if c["attention"] != "none":
            self.attention = Attention(c["attention"], Ce, self.Hd, c.get("attentionSize") or self.Hd, c.get("locationKernel") or 0)
            self.combine = nn.Linear(self.Hd + Ce, self.Hd)
        self.head = nn.Linear(self.Hd, c["tgtVocab"])

    def _bridge(self, hN, lin):
        # hN (Le*D, B, He) -> (Ld, B, Hd): decoder layer l reads encoder layer clamp(l + Le - Ld, 0, Le - 1)
        out = []
        for l in range(self.Ld):
            e = min(max(l + self.Le - self.Ld, 0), self.Le - 1)
            x = torch.cat([hN[e * self.D + d] for d in range(self.D)], dim=-1)
            out.append(torch.tanh(lin(x)) if self.learned_bridge else x)
        return torch.stack(out)

    def forward(self, src, src_lengths, dec_in):
        """src (B, S), src_lengths (B), dec_in (B, T) -> logits (B, T, V), attention weights (B, T, S) or None."""
        S, reverse = src.shape[1], self.config.get("reverseSource", False)
        if reverse:  # Sutskever et al. 2014: the encoder reads each source right to left
            src = flip_within_lengths(src, src_lengths)
        packed = nn.utils.rnn.pack_padded_sequence(self.src_embedding(src), src_lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, state = self.encoder(packed)
        enc, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=S)
        if reverse:  # annotations back in source order, so attention weight j is source position j
            enc = flip_within_lengths(enc, src_lengths)
        if self.cell == "lstm":
            h0 = (self._bridge(state[0], getattr(self, "bridge", None)), self._bridge(state[1], getattr(self, "bridge_c", None)))
        else:
            h0 = self._bridge(state, getattr(self, "bridge", None))
        dec, _ = self.decoder(self.tgt_embedding(dec_in), h0)
        weights = None
        if self.attention is not None:
            query = dec
            if self.config.get("attentionQuery", "previous") == "previous":
                # Bahdanau: step t asks with the state before reading y_(t-1); step 0 with the initial state.
                top = (h0[0] if self.cell == "lstm" else h0)[-1].unsqueeze(1)
                query = torch.cat([top, dec[:, :-1]], dim=1)
            ctx, weights = self.attention(enc, src_lengths, query)
            dec = torch.tanh(self.combine(torch.cat([dec, ctx], dim=-1)))
        return self.head(dec), weights


${TASK_MODULES_PY}${BUILD_PY}

def load(directory):
    """(module in eval mode, seqlab.json contents) for an exported or checkpoint directory."""
    with open(os.path.join(directory, "seqlab.json"), encoding="utf-8") as f:
        meta = json.load(f)
    net = build(meta["architecture"])
    net.load_state_dict(load_safetensors(os.path.join(directory, "model.safetensors")), strict=True)
    return net.eval(), meta


def encode_chars(meta, text):
    """Token ids of \`text\` for a "char" tokenizer (unknown characters -> 1, <unk>)."""
    tok = meta["tokenizer"]
    if tok["kind"] != "char":
        raise ValueError("encode_chars handles the char tokenizer only")
    ids = {s: 4 + k for k, s in enumerate(tok["symbols"])}
    return [ids.get(ch, 1) for ch in text]


if __name__ == "__main__":
    import sys
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    net, meta = load(d)
    print(net)
    print(sum(p.numel() for p in net.parameters()), "parameters")
`;
