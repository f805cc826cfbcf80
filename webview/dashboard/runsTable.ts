// The runs table: one column per run (its colour, name and state, and buttons to rename, hide or show, export its
// scalars, save its model and delete it), one row per RunConfig field (the name; its description on hover), with
// the rows whose value differs between runs highlighted, above them each run's final and best validation loss.
// Buttons carry data-run-id / data-run-action; main.ts turns a click into a `runAction` message. Text is set
// through textContent only: run names and values are never parsed as HTML.
import type { ConfigEntry, FieldInfo, RunAction, RunStatus } from '../../src/protocol/dashboard';
import { MISSING, differingKeys, type ValidationSummary } from './runsCompare';

export interface TableRun {
  readonly id: string;
  readonly name: string;
  readonly state: RunStatus;
  readonly color: string;
  readonly hidden: boolean;
  readonly config: readonly ConfigEntry[] | undefined;
  /** The run has metric points to export. */
  readonly hasPoints: boolean;
  readonly validation: ValidationSummary;
}

const LIVE = new Set<RunStatus>(['starting', 'running', 'paused', 'stopping']);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function button(run: TableRun, action: RunAction, label: string, title: string, disabled = false): HTMLButtonElement {
  const b = el('button', label, 'secondary small');
  b.dataset['runId'] = run.id;
  b.dataset['runAction'] = action;
  b.title = title;
  b.disabled = disabled;
  return b;
}

const loss = (v: { step: number; loss: number } | null): string => (v === null ? MISSING : `${v.loss.toPrecision(4)} (step ${v.step})`);

/** Redraws the table into `table`; `onlyDiffering` keeps just the fields that differ. Returns the differing keys. */
export function renderRunsTable(table: HTMLTableElement, runs: readonly TableRun[], fields: readonly FieldInfo[], onlyDiffering: boolean): Set<string> {
  const differs = differingKeys(runs.map((r) => r.config));
  const head = el('tr');
  head.append(el('th', 'run'));
  for (const r of runs) {
    const th = el('th', undefined, r.hidden ? 'run-head hidden-run' : 'run-head');
    th.dataset['runId'] = r.id;
    const swatch = el('span', undefined, 'swatch');
    swatch.style.background = r.color;
    th.append(swatch, el('span', r.name, 'run-name'), el('span', ` ${r.state}${r.hidden ? ' · hidden' : ''}`, 'run-state'));
    head.append(th);
  }
  const actions = el('tr', undefined, 'run-actions');
  actions.append(el('th', ''));
  for (const r of runs) {
    const td = el('td'), box = el('div', undefined, 'run-buttons');
    td.append(box);
    const live = LIVE.has(r.state);
    box.append(
      button(r, 'rename', 'Rename', `Rename "${r.name}"`),
      r.hidden ? button(r, 'show', 'Show', 'Show this run on the charts again') : button(r, 'hide', 'Hide', 'Hide this run from the charts'),
      button(r, 'exportCsv', 'CSV', 'Export its scalars (one row per step) as CSV', !r.hasPoints),
      button(r, 'exportJsonl', 'JSONL', 'Export its scalars (one row per step) as JSON Lines', !r.hasPoints),
      // An imported run's model is the folder it was loaded from: SeqLab stores no checkpoint of it to copy.
      r.state === 'imported' ? button(r, 'saveModel', 'Save…', 'Imported: its model is the folder it was loaded from', true)
        : button(r, 'saveModel', 'Save…', 'Save Model As…: copy its checkpoint to a folder you choose'),
      button(r, 'delete', 'Delete', live ? 'Stop the run before deleting it' : 'Delete this run and its files (asks first)', live),
    );
    actions.append(td);
  }
  const rows: HTMLTableRowElement[] = [head, actions];
  const summaries = runs.map((r) => r.validation);
  for (const [label, pick] of [['final validation loss', 'final'], ['best validation loss', 'best']] as const) {
    const tr = el('tr', undefined, 'metric-row');
    tr.append(el('th', label));
    for (const s of summaries) tr.append(el('td', loss(s[pick])));
    rows.push(tr);
  }
  const byRun = runs.map((r) => new Map((r.config ?? []).map((e) => [e.key, e.value])));
  for (const f of fields) {
    const differ = differs.has(f.key);
    if (onlyDiffering && !differ) continue;
    const tr = el('tr', undefined, differ ? 'field-row differs' : 'field-row');
    tr.dataset['field'] = f.key;
    const th = el('th', differ ? `${f.key} ≠` : f.key);
    th.title = f.description;
    tr.append(th);
    for (const m of byRun) tr.append(el('td', m.get(f.key) ?? MISSING));
    rows.push(tr);
  }
  table.replaceChildren(...rows);
  return differs;
}
