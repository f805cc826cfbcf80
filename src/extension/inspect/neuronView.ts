// The neuron view (issue #17): pick a layer, a unit and the hidden or (LSTM) cell state, and the active editor's
// text (or selection) is painted token by token with that unit's activation after reading it (Karpathy et al.
// 2015), blue below 0, red above, value on hover; "Find Units Like This" ranks the units whose activation best
// tells the selected characters from the rest of the text (ROC AUC, engine/inspect/unitRanking.ts). Both run on
// the language model completions use, so while a run trains the paint follows its snapshots (at most every
// REPAINT_MS, never on a keystroke). The states come from the model's own forward (engine/inspect/neuronStates).
import * as vscode from 'vscode';
import { hasCellState } from '../../engine/cells/cell';
import { MAX_INSPECT_TOKENS, neuronStates, unitSeries, type NeuronStates, type StateKind } from '../../engine/inspect/neuronStates';
import { rankUnits, type UnitScore } from '../../engine/inspect/unitRanking';
import { Disposable } from '../disposable';
import type { ModelHub } from '../use/models';
import { symmetricScale } from './divergingScale';
import { InspectModel, shown, tokenizeText } from './inspectModel';
import { TextPainter, type PaintedSpan } from './textPainter';

export const NeuronCommands = {
  show: 'seqlab.showNeuron',
  find: 'seqlab.findUnitsLikeThis',
  clear: 'seqlab.clearNeuronView',
} as const;

/** Least time between two repaints caused by new weights of the run in training. */
const REPAINT_MS = 3000;
/** Units listed by Find Units Like This. */
const LISTED_UNITS = 10;
/** Longest text painted (characters): beyond it, the visible part of the editor. */
const MAX_TEXT_CHARS = MAX_INSPECT_TOKENS;

export interface NeuronArgs {
  layer?: number;
  unit?: number;
  state?: StateKind;
}

export type NeuronResult =
  | { ok: true; layer: number; unit: number; state: StateKind; model: string; step: number | null; start: number; values: number[]; spans: ([number, number] | null)[]; painted: number }
  | { ok: false; error: string };

export type FindResult =
  | { ok: true; units: UnitScore[]; painted: NeuronResult | null }
  | { ok: false; error: string };

const unitName = (u: { layer: number; unit: number; kind?: StateKind; state?: StateKind }): string => `${(u.kind ?? u.state) === 'c' ? 'cell' : 'hidden'} unit ${u.unit} of layer ${u.layer}`;

export class NeuronView extends Disposable {
  private readonly painter = this.register(new TextPainter('SeqLab neuron view'));
  private readonly copy = new InspectModel();
  /** What is painted now, to repaint it on new weights. */
  private current: { editor: vscode.TextEditor; args: Required<NeuronArgs>; range: vscode.Range | null } | null = null;
  private lastPaint = 0;
  private repaintTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly hub: ModelHub) {
    super();
    this.register(vscode.commands.registerCommand(NeuronCommands.show, (args?: NeuronArgs) => this.show(args)));
    this.register(vscode.commands.registerCommand(NeuronCommands.find, (args?: { pick?: boolean }) => this.find(args?.pick ?? true)));
    this.register(vscode.commands.registerCommand(NeuronCommands.clear, () => this.clear()));
    // The right-click "Find Units Like This" is offered only when there is a language model to ask.
    const hasLm = (): void => void vscode.commands.executeCommand('setContext', 'seqlab.hasLanguageModel', hub.lm !== null);
    hasLm();
    this.register(hub.onDidChange((kind) => {
      if (kind !== 'lm') return;
      hasLm();
      this.scheduleRepaint();
    }));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.current && e.document === this.current.editor.document && e.contentChanges.length > 0) this.current = null;
    }));
    this.register({ dispose: () => this.repaintTimer && clearTimeout(this.repaintTimer) });
  }

  clear(): void {
    this.painter.clear();
    this.current = null;
  }

  private fail(error: string): { ok: false; error: string } {
    void vscode.window.showWarningMessage(error);
    return { ok: false, error };
  }

  /** The text painted: the selection, else the document, else (too long) the visible lines. */
  private target(editor: vscode.TextEditor, useSelection: boolean): vscode.Range | null {
    if (useSelection && !editor.selection.isEmpty) return editor.selection;
    const doc = editor.document;
    if (doc.getText().length <= MAX_TEXT_CHARS) return null;
    return editor.visibleRanges[0] ?? new vscode.Range(0, 0, Math.min(doc.lineCount - 1, 200), 0);
  }

  private states(range: vscode.Range | null, editor: vscode.TextEditor): { states: NeuronStates; spans: ([number, number] | null)[]; text: string; base: number } | string {
    const lm = this.hub.lm;
    if (!lm) return 'SeqLab has no language model to look inside: train one (SeqLab: Start Training) or load a checkpoint.';
    const doc = editor.document;
    const text = range ? doc.getText(range) : doc.getText();
    const base = range ? doc.offsetAt(range.start) : 0;
    const { ids, spans } = tokenizeText(lm.tokenizer, text);
    if (ids.length === 0) return 'The text gives no tokens to paint.';
    if (ids.length > MAX_INSPECT_TOKENS) return `The text is ${ids.length} tokens; the neuron view reads at most ${MAX_INSPECT_TOKENS}: select less.`;
    try {
      return { states: neuronStates(this.copy.model(lm), ids), spans, text, base };
    } catch (e) {
      return (e as Error).message;
    }
  }

  async show(args: NeuronArgs = {}, editorIn?: vscode.TextEditor, rangeIn?: vscode.Range | null): Promise<NeuronResult> {
    const editor = editorIn ?? vscode.window.activeTextEditor;
    const lm = this.hub.lm;
    if (!lm) return this.fail('SeqLab has no language model to look inside: train one (SeqLab: Start Training) or load a checkpoint.');
    if (!editor) return this.fail('Open an editor with some text to paint.');
    const cfg = lm.model.rnn.cfg, lstm = hasCellState(cfg.cell);
    const picked = await this.pickUnit(args, cfg.numLayers, cfg.hiddenSize, lstm);
    if (!picked) return { ok: false, error: 'cancelled' };
    const { layer, unit, state } = picked;
    if (!(Number.isInteger(layer) && layer >= 0 && layer < cfg.numLayers)) return this.fail(`layer ${layer} does not exist: the model has ${cfg.numLayers} (0…${cfg.numLayers - 1})`);
    if (!(Number.isInteger(unit) && unit >= 0 && unit < cfg.hiddenSize)) return this.fail(`unit ${unit} does not exist: each layer has ${cfg.hiddenSize} (0…${cfg.hiddenSize - 1})`);
    if (state === 'c' && !lstm) return this.fail(`only an LSTM has a cell state; this model is a ${cfg.cell.toUpperCase()}`);
    const range = rangeIn !== undefined ? rangeIn : this.target(editor, true);
    const got = this.states(range, editor);
    if (typeof got === 'string') return this.fail(got);
    const r = this.paintUnit(editor, got, layer, unit, state);
    this.current = { editor, args: { layer, unit, state }, range };
    this.lastPaint = Date.now();
    return { ok: true, layer, unit, state, model: lm.name, step: lm.step, start: got.base, ...r };
  }

  private paintUnit(
    editor: vscode.TextEditor, got: { states: NeuronStates; spans: ([number, number] | null)[]; text: string; base: number },
    layer: number, unit: number, state: StateKind,
  ): { values: number[]; spans: ([number, number] | null)[]; painted: number } {
    const values = unitSeries(got.states, layer, unit, state);
    const lm = this.hub.lm!;
    const painted: PaintedSpan[] = [];
    const label = `${unitName({ layer, unit, state })} · ${lm.name}${lm.step !== null ? ` @ step ${lm.step}` : ''}`;
    got.spans.forEach((s, t) => {
      if (!s) return;
      painted.push({
        start: got.base + s[0], end: got.base + s[1], value: values[t],
        hover: `${label}: **${values[t] >= 0 ? '+' : ''}${values[t].toFixed(3)}** after reading “${shown(got.text.slice(s[0], s[1]))}”`,
      });
    });
    // The unit's largest |value| on this text is full strength: a unit that only moves within ±0.1 still shows
    // its pattern (the hover gives the true value; c is unbounded anyway).
    const scale = symmetricScale(values, 1e-6);
    for (const p of painted) p.hover += ` (colour scale ±${scale.toFixed(3)}, the largest on this text)`;
    this.painter.paint(editor, painted, scale);
    return { values: Array.from(values), spans: got.spans, painted: painted.length };
  }

  private async pickUnit(args: NeuronArgs, L: number, H: number, lstm: boolean): Promise<Required<NeuronArgs> | null> {
    let layer = args.layer, unit = args.unit, state = args.state;
    if (layer === undefined) {
      if (L === 1) layer = 0;
      else {
        const p = await vscode.window.showQuickPick(Array.from({ length: L }, (_, l) => ({ label: `Layer ${l}`, description: l === 0 ? 'closest to the input' : l === L - 1 ? 'closest to the output' : '', l })), { title: 'SeqLab neuron view: which layer?' });
        if (!p) return null;
        layer = p.l;
      }
    }
    if (state === undefined) {
      if (!lstm) state = 'h';
      else {
        const p = await vscode.window.showQuickPick([
          { label: 'Hidden state h', description: 'what the layer outputs, in (−1, 1)', s: 'h' as const },
          { label: 'Cell state c', description: 'the LSTM\'s memory, unbounded', s: 'c' as const },
        ], { title: 'SeqLab neuron view: which state?' });
        if (!p) return null;
        state = p.s;
      }
    }
    if (unit === undefined) {
      const v = await vscode.window.showInputBox({
        title: 'SeqLab neuron view: which unit?', prompt: `A unit of layer ${layer}: 0 … ${H - 1}`, value: '0',
        validateInput: (s) => (/^\d+$/.test(s.trim()) && Number(s) < H ? null : `a whole number from 0 to ${H - 1}`),
      });
      if (v === undefined) return null;
      unit = Number(v.trim());
    }
    return { layer, unit, state };
  }

  /** Ranks the units by how well they separate the selected characters from the rest of the text. */
  async find(pick: boolean): Promise<FindResult> {
    const editor = vscode.window.activeTextEditor;
    if (!this.hub.lm) return this.fail('SeqLab has no language model to look inside: train one (SeqLab: Start Training) or load a checkpoint.');
    if (!editor || editor.selection.isEmpty) return this.fail('Select the characters to find units for (for example everything inside quotes), then run Find Units Like This.');
    const range = this.target(editor, false);
    const got = this.states(range, editor);
    if (typeof got === 'string') return this.fail(got);
    const doc = editor.document;
    const selections = editor.selections.filter((s) => !s.isEmpty).map((s) => [doc.offsetAt(s.start) - got.base, doc.offsetAt(s.end) - got.base]);
    // A token is "selected" when it lies inside a selection (its characters are what the user marked).
    const marked = got.spans.map((s) => !!s && selections.some(([a, b]) => s[0] >= a && s[1] <= b));
    let units: UnitScore[];
    try {
      units = rankUnits(got.states, marked).slice(0, LISTED_UNITS);
    } catch (e) {
      return this.fail((e as Error).message);
    }
    if (!pick) {
      const painted = await this.show({ layer: units[0].layer, unit: units[0].unit, state: units[0].kind }, editor, range);
      return { ok: true, units, painted };
    }
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { u: UnitScore }>();
    qp.title = `Units whose activation best separates the ${marked.filter(Boolean).length} selected tokens from the other ${marked.length - marked.filter(Boolean).length}`;
    qp.placeholder = 'ROC AUC: 1 = always higher on the selection, 0 = always lower, 0.5 = no better than chance. Pick one to paint it.';
    qp.items = units.map((u) => ({
      label: `${u.kind === 'c' ? 'c' : 'h'} · layer ${u.layer} · unit ${u.unit}`,
      description: `AUC ${u.auc.toFixed(3)} · ${u.auc >= 0.5 ? 'higher' : 'lower'} on the selection`,
      detail: `mean ${u.meanMarked.toFixed(3)} on the selection, ${u.meanOther.toFixed(3)} elsewhere`,
      u,
    }));
    // Moving through the list paints each unit, so the user sees the pattern before choosing.
    qp.onDidChangeActive((items) => {
      const u = items[0]?.u;
      if (u) void this.show({ layer: u.layer, unit: u.unit, state: u.kind }, editor, range);
    });
    const chosen = await new Promise<UnitScore | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.u));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    const painted = chosen ? await this.show({ layer: chosen.layer, unit: chosen.unit, state: chosen.kind }, editor, range) : null;
    return { ok: true, units, painted };
  }

  /** New weights (a run in training): repaint what is shown, at most every REPAINT_MS. */
  private scheduleRepaint(): void {
    if (!this.current || this.repaintTimer) return;
    const wait = Math.max(0, this.lastPaint + REPAINT_MS - Date.now());
    this.repaintTimer = setTimeout(() => {
      this.repaintTimer = null;
      const c = this.current;
      if (!c || !this.hub.lm || !vscode.window.visibleTextEditors.includes(c.editor)) return;
      void this.show(c.args, c.editor, c.range);
    }, wait);
  }
}
