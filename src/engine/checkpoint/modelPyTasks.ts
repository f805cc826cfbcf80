// The torch.nn modules of model.py for the classifier, the tagger and the one-to-many generator (modelPy.ts holds
// the language model and seq2seq). Each mirrors the engine's forward exactly, under the engine's parameter names:
//   classify     engine/classifier.ts: embedding → rnn over each row's own length (pack_padded_sequence: a
//                reverse direction starts at the row's last token) → top layer's final state(s) [h_f; h_b] → head
//   tag          engine/tagger.ts: embedding → rnn (packed, so the reverse direction skips the padding) → head per step
//   one-to-many  engine/oneToMany.ts: condition(label) → h0 = tanh(init_h(c)).view(B, L, H).transpose(0, 1)
//                [c0 likewise from init_c for the LSTM] → rnn over [BOS, y…] from (h0, c0) → head
// A bidirectional sum / mean / weighted merge (not torch's concat) builds model.py's MergedRNN (_stack), and the
// classifier merges its top layer's final states the same way (merge_directions, as engine/classifier.ts does).

/** Python source inserted into model.py before its build(); uses model.py's `_rnn`, `torch` and `nn`. */
export const TASK_MODULES_PY = String.raw`
class SeqLabClassifier(nn.Module):
    """tokens (B, T), lengths (B) -> class logits (B, C) from the top layer's final state(s)."""

    def __init__(self, c):
        super().__init__()
        r = c["rnn"]
        self.D = 2 if r.get("bidirectional") else 1
        self.embedding = nn.Embedding(c["vocabSize"], c["embeddingSize"])
        self.merge = r.get("merge", "concat") if self.D == 2 else "concat"
        self.rnn = _stack(r["cell"], c["embeddingSize"], r["hiddenSize"], r["numLayers"], r.get("bidirectional", False), r.get("dropout", 0.0), self.merge)
        self.head = nn.Linear(r["hiddenSize"] * (self.D if self.merge == "concat" else 1), c["numClasses"])

    def forward(self, tokens, lengths):
        if isinstance(self.rnn, MergedRNN):
            _, state = self.rnn(self.embedding(tokens), lengths)
        else:
            packed = nn.utils.rnn.pack_padded_sequence(self.embedding(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
            _, state = self.rnn(packed)
        h = state[0] if isinstance(state, tuple) else state  # (L*D, B, H), rows in the input's order
        if self.D == 1:
            return self.head(h[-1]), None
        # the top layer's final states, merged as the stack merges its outputs (with its merge_weight_l{L-1})
        alpha = self.rnn.alpha(len(self.rnn.layers_) - 1) if isinstance(self.rnn, MergedRNN) else None
        return self.head(merge_directions(self.merge, alpha, h[-2], h[-1])), None


class SeqLabTagger(nn.Module):
    """tokens (B, T), lengths (B) -> tag logits (B, T, C), one per position (padding's are meaningless)."""

    def __init__(self, c):
        super().__init__()
        r = c["rnn"]
        D = 2 if r.get("bidirectional") else 1
        merge = r.get("merge", "concat") if D == 2 else "concat"
        self.embedding = nn.Embedding(c["vocabSize"], c["embeddingSize"])
        self.rnn = _stack(r["cell"], c["embeddingSize"], r["hiddenSize"], r["numLayers"], r.get("bidirectional", False), r.get("dropout", 0.0), merge)
        self.head = nn.Linear(r["hiddenSize"] * (D if merge == "concat" else 1), c["numTags"])

    def forward(self, tokens, lengths):
        T = tokens.shape[1]
        if isinstance(self.rnn, MergedRNN):
            out, _ = self.rnn(self.embedding(tokens), lengths)
            return self.head(out), None
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(tokens), lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
        return self.head(out), None


class SeqLabOneToMany(nn.Module):
    """labels (B), dec_in (B, T) = [BOS, y...] -> logits (B, T, V): the label's embedding sets the initial state."""

    def __init__(self, c):
        super().__init__()
        r, cond = c["rnn"], c["condition"]
        if cond["kind"] != "label":
            raise ValueError("this model.py builds label-conditioned one-to-many models")
        self.cell, self.L, self.H = r["cell"], r["numLayers"], r["hiddenSize"]
        K = cond["size"]
        self.condition = nn.Embedding(cond["numLabels"], K)
        self.init_h = nn.Linear(K, self.L * self.H)
        if self.cell == "lstm":
            self.init_c = nn.Linear(K, self.L * self.H)
        self.embedding = nn.Embedding(c["vocabSize"], c["embeddingSize"])
        self.rnn = _rnn(self.cell, c["embeddingSize"], self.H, self.L, False, r.get("dropout", 0.0))
        self.head = nn.Linear(self.H, c["vocabSize"])

    def initial_state(self, labels):
        c, B = self.condition(labels), labels.shape[0]
        h0 = torch.tanh(self.init_h(c)).view(B, self.L, self.H).transpose(0, 1).contiguous()
        if self.cell != "lstm":
            return h0
        return h0, torch.tanh(self.init_c(c)).view(B, self.L, self.H).transpose(0, 1).contiguous()

    def forward(self, labels, dec_in):
        out, _ = self.rnn(self.embedding(dec_in), self.initial_state(labels))
        return self.head(out), None

`;

/** model.py's build() for every kind the training project exports. */
export const BUILD_PY = String.raw`
def build(architecture):
    """A fresh module for seqlab.json's "architecture" object (lm, seq2seq, classify, tag, one-to-many)."""
    kind, c = architecture["kind"], architecture["config"]
    r = c.get("rnn", {})
    if kind == "seq2seq":
        return SeqLabSeq2Seq(c)
    if kind == "classify":
        return SeqLabClassifier(c)
    if kind == "tag":
        return SeqLabTagger(c)
    if kind == "one-to-many":
        return SeqLabOneToMany(c)
    if kind != "lm":
        raise ValueError(f"this model.py builds lm, seq2seq, classify, tag and one-to-many models, not {kind}")
    return SeqLabLM(c["vocabSize"], c["embeddingSize"], r["cell"], r["hiddenSize"], r["numLayers"],
                    r.get("bidirectional", False), r.get("dropout", 0.0), r.get("merge", "concat"))
`;
