// The gradient-through-time chart's datasets: one series per row of every recurrent stack (seq2seq: the encoder's
// solid, the decoder's dashed), labelled with the stack and the layer; colours follow the layer so encoder and
// decoder layer k match. And the card's title, naming the stacks charted.
import type { GradThroughTime } from '../../src/protocol/dashboard';
import { line } from './charts';
import { rowLabel } from './views';

/** The datasets and the longest stack's T (the x axis ends at T − 1). */
export function gttDatasets(gtt: GradThroughTime | null, layers: number, colors: readonly string[]): { sets: ReturnType<typeof line>[]; maxT: number } {
  const sets: ReturnType<typeof line>[] = [];
  let maxT = 1;
  (gtt?.stacks ?? []).forEach((st, k) => {
    maxT = Math.max(maxT, st.T);
    for (let r = 0; r < st.rows; r++) {
      sets.push(line(`${rowLabel(st.name, r, st.rows, layers)} (step ${gtt!.step})`, colors[r % colors.length] as string, {
        data: Array.from({ length: st.T }, (_, t) => ({ x: t, y: st.values[r * st.T + t] as number })), pointRadius: 1.5,
        borderDash: k % 2 ? [5, 3] : [], pointStyle: k % 2 ? 'rect' : 'circle',
      }));
    }
  });
  return { sets, maxT };
}

/** The gradient-through-time card's title, naming the stacks charted (seq2seq: encoder and decoder). */
export function gttTitle(stacks: readonly string[]): string {
  const named = stacks.filter((n) => n !== 'rnn');
  return `Gradient through time ‖∂L/∂hₜ‖${named.length ? ` — ${named.join(' and ')}` : ''}`;
}
