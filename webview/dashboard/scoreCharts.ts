// The charts of how good the model is, by task: bits per character (training, smoothed, and validation) for a
// language model; the validation scores in % for the others (seq2seq: exact match and token accuracy; tag: tag
// accuracy; one-to-many: label accuracy; classify: accuracy), with the card's title saying what each counts.
import type { DashboardTask, MetricPoint } from '../../src/protocol/dashboard';
import { line, type XAxisMode } from './charts';
import { ema, pointsXY } from './series';

type Sets = ReturnType<typeof line>[];

/** Bits per character of a language model's points. */
export function bpcDatasets(points: readonly MetricPoint[], mode: XAxisMode, alpha: number, colors: readonly string[]): Sets {
  const bpc = pointsXY(points, mode, (p) => p.bitsPerChar);
  const validBpc = pointsXY(points, mode, (p) => p.validBitsPerChar);
  return [
    line('bits / char (smoothed)', colors[0] as string, { data: ema(bpc, alpha), borderWidth: 2 }),
    ...(validBpc.length ? [line('validation bits / char', colors[2] as string, { data: validBpc, pointRadius: 3, borderWidth: 1.5, borderDash: [2, 2] })] : []),
  ];
}

/** The validation scores (in %) of a run of any other task, and the title of their card. */
export function taskScoreDatasets(task: DashboardTask, points: readonly MetricPoint[], mode: XAxisMode, colors: readonly string[]): { sets: Sets; title: string } {
  const scored = points.filter((p) => p.validMetrics !== undefined);
  const series = (label: string, key: keyof NonNullable<MetricPoint['validMetrics']>, color: string): Sets => {
    const data = pointsXY(scored, mode, (p) => (p.validMetrics?.[key] === undefined ? undefined : 100 * (p.validMetrics[key] as number)));
    return data.length || scored.length === 0 ? [line(label, color, { data, pointRadius: 2.5, borderWidth: 2 })] : [];
  };
  const sets = task === 'seq2seq'
    ? [...series('exact match', 'exactMatch', colors[0] as string), ...series('token accuracy', 'tokenAccuracy', colors[1] as string)]
    : series(task === 'tag' ? 'tag accuracy' : task === 'one-to-many' ? 'label accuracy' : 'accuracy', 'accuracy', colors[0] as string);
  const title = task === 'seq2seq' ? 'Validation: exact match and token accuracy' : task === 'tag' ? 'Validation: tag accuracy (share of tokens)'
    : task === 'one-to-many' ? 'Validation: label accuracy (share of texts most likely under their own label)' : 'Validation: accuracy (share of texts)';
  return { sets, title };
}
