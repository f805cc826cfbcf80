// Gate saturation as the dashboard draws it (engine/inspect/gateSaturation.ts measures it in the training run,
// the host names the gates and stacks): for each recurrent stack of an LSTM or GRU run, per row (layer ×
// direction) and sigmoid gate, the share of activations below 0.1 and above 0.9 at one step (Karpathy et al.
// 2015, fig. 3). Checked in the webview like the rest of the channel: ranges here, then the shapes.
import { arrayOf, failAt, int, num, record, str } from './guard';

export interface StackSaturationView {
  /** 'rnn', or 'encoder' / 'decoder' for seq2seq. */
  readonly name: string;
  /** Layers × directions. */
  readonly rows: number;
  /** (rows, gates) row-major shares in [0, 1]. */
  readonly low: readonly number[];
  readonly high: readonly number[];
}

export interface GateSaturationView {
  readonly step: number;
  /** Gate names, in column order: LSTM input, forget, output; GRU reset, update. */
  readonly gates: readonly string[];
  readonly stacks: readonly StackSaturationView[];
}

export const SATURATION_LIMITS = { stacks: 4, rows: 32, gates: 3, nameChars: 1024, steps: 1e9 } as const;
const S = SATURATION_LIMITS;

const share = num(0, 1);
const fields = record<GateSaturationView>({
  step: int(1, S.steps),
  gates: arrayOf(str(S.nameChars, 1), S.gates, 1),
  stacks: arrayOf(record<StackSaturationView>({
    name: str(S.nameChars, 1), rows: int(1, S.rows), low: arrayOf(share, S.rows * S.gates), high: arrayOf(share, S.rows * S.gates),
  }), S.stacks, 1),
});

/** The view's ranges, then every stack holding rows × gates shares in both lists. */
export const saturationSchema = (v: unknown): GateSaturationView => {
  const s = fields(v);
  const n = s.gates.length;
  s.stacks.forEach((st, k) => {
    if (st.low.length !== st.rows * n) failAt(['stacks', String(k), 'low'], `must hold rows × gates = ${st.rows * n} shares, got ${st.low.length}`);
    if (st.high.length !== st.rows * n) failAt(['stacks', String(k), 'high'], `must hold rows × gates = ${st.rows * n} shares, got ${st.high.length}`);
  });
  return s;
};
