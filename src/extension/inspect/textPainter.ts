// Paints spans of an editor's text with values on a diverging scale (divergingScale.ts), one decoration type per
// colour bucket, each span with its own hover text. Used by the neuron view and by Explain Suggestion's
// saliency. Painting is on demand (a command, a new weight snapshot), never on a keystroke: an edit of the
// painted document clears the paint, since the values belonged to the text as it was.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { BUCKETS, bucketColor, bucketOf } from './divergingScale';

export interface PaintedSpan {
  /** [start, end) UTF-16 offsets in the document. */
  start: number;
  end: number;
  value: number;
  hover: string;
}

export class TextPainter extends Disposable {
  private readonly types = new Map<number, vscode.TextEditorDecorationType>();
  private painted: vscode.TextEditor | null = null;
  /** How many spans are painted in each bucket (tests read it through the commands' results). */
  lastCounts: Record<number, number> = {};

  constructor(private readonly label: string) {
    super();
    for (let b = -BUCKETS; b <= BUCKETS; b++) {
      if (b === 0) continue;
      this.types.set(b, this.register(vscode.window.createTextEditorDecorationType({
        backgroundColor: bucketColor(b),
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        overviewRulerColor: Math.abs(b) === BUCKETS ? bucketColor(b) : undefined,
        overviewRulerLane: vscode.OverviewRulerLane.Center,
      })));
    }
    this.register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (this.painted && e.document === this.painted.document && e.contentChanges.length > 0) this.clear();
    }));
  }

  /** Paints `spans` of `editor` (±scale = strongest colour), replacing what this painter showed before. */
  paint(editor: vscode.TextEditor, spans: readonly PaintedSpan[], scale: number): void {
    this.clear();
    const doc = editor.document;
    const byBucket = new Map<number, vscode.DecorationOptions[]>();
    for (const s of spans) {
      const b = bucketOf(s.value, scale);
      if (b === 0 || s.end <= s.start) continue;
      const md = new vscode.MarkdownString(`**${this.label}** · ${s.hover}`);
      let list = byBucket.get(b);
      if (!list) byBucket.set(b, (list = []));
      list.push({ range: new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end)), hoverMessage: md });
    }
    this.lastCounts = {};
    for (const [b, type] of this.types) {
      const list = byBucket.get(b) ?? [];
      if (list.length) this.lastCounts[b] = list.length;
      editor.setDecorations(type, list);
    }
    this.painted = editor;
  }

  clear(): void {
    if (!this.painted) return;
    for (const type of this.types.values()) this.painted.setDecorations(type, []);
    this.painted = null;
    this.lastCounts = {};
  }
}
