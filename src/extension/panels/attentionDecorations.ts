// Paints the source text of a translation in the editor it was selected from: each source token's characters
// get a background whose opacity follows that token's attention weight at the hovered (or pinned) decoded
// step. A decoration type's colour is fixed when it is created, so there is one type per opacity bucket
// (BUCKETS of them, made once) and each token goes into the bucket of its weight; weights under 1/BUCKETS/2
// are left unpainted.
import * as vscode from 'vscode';

export const BUCKETS = 10;

export class AttentionDecorations implements vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[] = [];
  private painted: vscode.TextEditor | null = null;

  constructor() {
    for (let b = 1; b <= BUCKETS; b++) {
      const alpha = (0.85 * b) / BUCKETS;
      // One warm hue on both light and dark themes; the border keeps a faint token visible on either.
      this.types.push(vscode.window.createTextEditorDecorationType({
        backgroundColor: `rgba(255, 140, 0, ${alpha.toFixed(3)})`,
        borderRadius: '2px',
        overviewRulerColor: b > BUCKETS / 2 ? `rgba(255, 140, 0, ${alpha.toFixed(3)})` : undefined,
        overviewRulerLane: vscode.OverviewRulerLane.Center,
      }));
    }
  }

  /** Paints `weights` (S) over `spans` (S document ranges) in `editor`. */
  paint(editor: vscode.TextEditor, spans: readonly (vscode.Range | null)[], weights: readonly number[]): void {
    if (this.painted && this.painted !== editor) this.clear();
    const byBucket: vscode.Range[][] = this.types.map(() => []);
    spans.forEach((range, j) => {
      const b = Math.round((weights[j] ?? 0) * BUCKETS);
      if (range && b >= 1) byBucket[Math.min(BUCKETS, b) - 1].push(range);
    });
    this.types.forEach((t, i) => editor.setDecorations(t, byBucket[i]));
    this.painted = editor;
  }

  clear(): void {
    const e = this.painted;
    this.painted = null;
    if (e) for (const t of this.types) e.setDecorations(t, []);
  }

  dispose(): void {
    this.clear();
    for (const t of this.types.splice(0)) t.dispose();
  }
}
