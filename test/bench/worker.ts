// One side of the benchmark in its own worker thread: builds what a workload needs and times repetitions on
// request. Every timing is taken here, around the side's own call, with performance.now().
import { parentPort, workerData } from 'worker_threads';
import { contexts, encodeChars, lmBatch, splitValidation, validationBatches } from './corpus';
import { Rng } from '../../src/engine/rng';
import { dateBatch, dateData, type DateData } from './dates';
import type { FromWorker, ToWorker, Workload, WorkerData } from './protocol';
import { createSeqlabSide } from './seqlab';
import type { Completer, EditorTyping, LMTrainer, LmCorpus, MatmulRunner, Seq2SeqTrainer, Side } from './sides';
import { createTfjsSide } from './tfjsSide';

// Keep stdout for the orchestrator's table/JSON: libraries' banners (tfjs prints one) go to stderr.
console.log = console.info = console.warn = (...a: unknown[]) => { process.stderr.write(a.map(String).join(' ') + '\n'); };
const data = workerData as WorkerData;
const { ids, vocab } = encodeChars(data.corpus);
const side: Side =
  data.side === 'tfjs-cpu' ? createTfjsSide('cpu', data.root)
    : data.side === 'tfjs-wasm' ? createTfjsSide('wasm', data.root)
      : createSeqlabSide(data.side === 'seqlab' ? 'wasm' : data.side === 'seqlab-js' ? 'js' : 'wasm-copy');

const trainers = new Map<string, LMTrainer>();
const s2s = new Map<string, { trainer: Seq2SeqTrainer; data: DateData }>();
const workloads = new Map<string, Workload>();
const runners = new Map<string, { runner: MatmulRunner; times: number }>();
const completers = new Map<string, { completer: Completer; ctx: Int32Array[]; stop: number }>();
const typings = new Map<string, EditorTyping>();
const codePoints = Array.from(data.corpus);
// W5 trains on the head of the corpus and scores the tail it never saw; every LM workload trains on that head.
const { train: trainIds, valid: validIds } = splitValidation(ids);
const lmCorpus: LmCorpus = { train: codePoints.slice(0, trainIds.length).join(''), valid: codePoints.slice(trainIds.length).join(''), vocab };

function post(m: FromWorker): void { parentPort!.postMessage(m); }

async function setup(w: Workload): Promise<FromWorker> {
  workloads.set(w.id, w);
  if (w.kind === 'lm' && (w.cfg.threads ?? 1) > 1 && data.side !== 'seqlab') return { type: 'setup', supported: false, reason: 'no data-parallel path' };
  if (w.kind === 'lm') {
    if (!side.charLM) return { type: 'setup', supported: false, reason: 'charLM not implemented' };
    trainers.set(w.id, await side.charLM(w.cfg, lmCorpus));
    return { type: 'setup', supported: true };
  }
  if (w.kind === 's2s') {
    if (!side.seq2seq) return { type: 'setup', supported: false, reason: 'seq2seq not implemented' };
    const data = dateData(w.examples, w.cfg.seed);
    w.cfg = { ...w.cfg, vocab: data.vocab, S: data.S, T: data.T };
    s2s.set(w.id, { trainer: await side.seq2seq(w.cfg, data.text), data });
    return { type: 'setup', supported: true, label: `V ${data.vocab}, S ${data.S}, T ${data.T}` };
  }
  if (w.kind === 'complete') {
    const trainer = trainers.get(w.modelOf);
    if (!side.completer || !trainer) return { type: 'setup', supported: false, reason: 'completer or trained model missing' };
    const stop = vocab.indexOf(w.stopChar);
    const ctx = contexts(ids, 6 * w.perRep, w.context, w.seed);
    completers.set(w.id, { completer: await side.completer(trainer, w.cfg), ctx, stop });
    return { type: 'setup', supported: true };
  }
  if (w.kind === 'quality') {
    if (!side.charLM) return { type: 'setup', supported: false, reason: 'charLM not implemented' };
    return { type: 'setup', supported: true, label: `train ${trainIds.length} chars, validate on ${w.validWindows * w.cfg.batch * w.cfg.seqLen} held-out chars` };
  }
  if (w.kind === 'editor') {
    const trainer = trainers.get(w.modelOf);
    if (!side.editorTyping || !trainer) return { type: 'setup', supported: false, reason: 'no editor code path (SeqLab only)' };
    typings.set(w.id, side.editorTyping(trainer));
    return { type: 'setup', supported: true };
  }
  if (!side.matmul) return { type: 'setup', supported: false, reason: 'matmul not implemented' };
  const runner = side.matmul(w.product, w.M, w.K, w.N, w.seed);
  runner.run(3);
  const t0 = performance.now();
  runner.run(3);
  const per = (performance.now() - t0) / 3 / 1000;
  runners.set(w.id, { runner, times: Math.max(1, Math.ceil(w.targetSeconds / Math.max(per, 1e-7))) });
  return { type: 'setup', supported: true, label: runner.label };
}

async function rep(id: string, index: number): Promise<FromWorker> {
  const w = workloads.get(id)!;
  if (w.kind === 'quality') {
    // The run knows its budget (W5's seconds), so its learning rate follows the clock (optim/budget.ts).
    const cfg = { ...w.cfg, seed: w.cfg.seed + Math.max(0, index), seconds: w.seconds };
    const trainer = await side.charLM!(cfg, lmCorpus);
    const t0 = performance.now(), end = t0 + w.seconds * 1000;
    let steps = 0, loss = 0;
    while (performance.now() < end) {
      const { x, y } = lmBatch(trainIds, cfg.batch, cfg.seqLen, cfg.seed, ++steps);
      loss = trainer.step(x, y);
    }
    const s = (performance.now() - t0) / 1000;
    let nats = 0;
    const batches = validationBatches(validIds, cfg.batch, cfg.seqLen, w.validWindows);
    for (const b of batches) nats += trainer.evaluate(b.x, b.y);
    trainers.set(id, trainer); // the last one is W4-editor's model
    workloads.set(id, w);
    return { type: 'rep', values: [nats / batches.length / Math.LN2], note: `~${Math.round(steps / s * 10) / 10} steps/s, last train loss ${loss.toFixed(3)} nats` };
  }
  if (w.kind === 'editor') {
    const typing = typings.get(id)!;
    const values: number[] = [];
    for (let s = 0; s < w.sessions; s++) {
      // A fresh place in the text each session: the first keystroke there re-reads the window from scratch.
      const rng = new Rng(w.seed * 7919 + (index + 1) * 31 + s);
      const at = 300 + rng.int(codePoints.length - 300 - w.keystrokes);
      values.push(...typing.type(codePoints.slice(at - 300, at).join(''), codePoints.slice(at, at + w.keystrokes).join('')));
    }
    return { type: 'rep', values, note: typing.note?.() };
  }
  if (w.kind === 'lm') {
    const { x, y } = lmBatch(ids, w.cfg.batch, w.cfg.seqLen, w.cfg.seed, index + 1);
    const t0 = performance.now();
    const loss = trainers.get(id)!.step(x, y);
    const s = (performance.now() - t0) / 1000;
    const extra = trainers.get(id)!.note?.();
    return { type: 'rep', values: [(w.cfg.batch * w.cfg.seqLen) / s], note: `loss ${loss.toFixed(3)}${extra ? '; ' + extra : ''}` };
  }
  if (w.kind === 's2s') {
    const { trainer, data } = s2s.get(id)!;
    // Each rep: several steps (one step is a few ms for SeqLab), on batches every side sees identically.
    const steps = 5;
    let loss = 0;
    const batches = Array.from({ length: steps }, (_, i) => dateBatch(data, w.cfg.batch, (index + 1) * steps + i));
    const t0 = performance.now();
    for (const b of batches) loss = trainer.step(b.src, b.srcLen, b.decIn, b.targets);
    const s = (performance.now() - t0) / 1000;
    const extra = trainer.note?.();
    return { type: 'rep', values: [(steps * w.cfg.batch) / s], note: `loss ${loss.toFixed(3)}${extra ? '; ' + extra : ''}` };
  }
  if (w.kind === 'complete') {
    const { completer, ctx, stop } = completers.get(id)!;
    // Warm-up uses the last chunk of contexts; rep i uses chunk i (5 timed chunks at most).
    const chunk = index < 0 ? 5 : index % 5;
    const values: number[] = [];
    let chars = 0;
    for (let i = chunk * w.perRep; i < (chunk + 1) * w.perRep; i++) {
      const t0 = performance.now();
      chars += completer.suggest(ctx[i], stop, w.maxLen).length;
      values.push(performance.now() - t0);
    }
    const extra = completer.note?.();
    return { type: 'rep', values, note: `${(chars / w.perRep).toFixed(1)} chars/suggestion${extra ? '; ' + extra : ''}` };
  }
  const { runner, times } = runners.get(id)!;
  const t0 = performance.now();
  runner.run(times);
  const s = (performance.now() - t0) / 1000;
  return { type: 'rep', values: [(2 * w.M * w.K * w.N * times) / s / 1e9] };
}

parentPort!.on('message', (m: ToWorker) => {
  void (async () => {
    try {
      if (m.type === 'init') { await side.init(); post({ type: 'ready', name: side.name }); }
      else if (m.type === 'setup') post(await setup(m.workload));
      else post(await rep(m.id, m.index));
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
    }
  })();
});
