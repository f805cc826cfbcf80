// kind "attention": one decoder step (T = 1 query per row) of dot / general / additive attention over padded
// encoder states; scores (masked ones are null in the reference and skipped), weights, context, the loss
// Σ context·R_context + Σ weights·R_weights, and every gradient.
import { Attention, type AttentionScore } from '../../../src/engine/attention';
import { ParamLayout } from '../../../src/engine/params';
import type { FloatArrayCtor } from '../../../src/engine/tensor';
import { compare, flat, shapeOf, type Fixture, type TensorReport } from './fixtures';

export function checkAttentionFixture(fx: Fixture, ctor: FloatArrayCtor = Float32Array): TensorReport[] {
  const c = fx.config as { score: AttentionScore; encoder_size: number; decoder_size: number; attention_size: number | null };
  const [B, S, He] = shapeOf(fx.inputs.encoder_states);
  const Hd = shapeOf(fx.inputs.decoder_state)[1];
  if (He !== c.encoder_size || Hd !== c.decoder_size) throw new Error(`${fx.name}: config sizes disagree with inputs`);
  const layout = new ParamLayout();
  const attn = new Attention({
    score: c.score, encoderSize: He, decoderSize: Hd, attentionSize: c.attention_size ?? undefined,
  }, '', layout);
  const params = layout.allocate(ctor);
  params.load(Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, flat(v)])));
  attn.bind(params);
  const enc = new ctor(flat(fx.inputs.encoder_states)), q = new ctor(flat(fx.inputs.decoder_state));
  const lengths = Int32Array.from(flat(fx.inputs.lengths));
  attn.forward(enc, B, S, lengths, q, 1);
  const loss = fx.loss as Record<string, unknown>;
  const rCtx = flat(loss.R_context), rW = flat(loss.R_weights);
  let value = 0;
  for (let i = 0; i < B * He; i++) value += attn.context[i] * rCtx[i];
  for (let i = 0; i < B * S; i++) value += attn.weights[i] * rW[i];
  const reports: TensorReport[] = [
    compare('scores', attn.scores.subarray(0, B * S), fx.outputs.scores),
    compare('weights', attn.weights.subarray(0, B * S), fx.outputs.weights),
    compare('context', attn.context.subarray(0, B * He), fx.outputs.context),
    compare('loss', [value], [loss.value]),
  ];
  params.zeroGrad();
  attn.backward(new ctor(rCtx), new ctor(rW));
  reports.push(compare('grad encoder_states', attn.dEnc.subarray(0, B * S * He), fx.grads.encoder_states));
  reports.push(compare('grad decoder_state', attn.dQuery.subarray(0, B * Hd), fx.grads.decoder_state));
  for (const e of params.entries) reports.push(compare(`grad ${e.name}`, params.gradOf(e.name), fx.grads[e.name]));
  return reports;
}
