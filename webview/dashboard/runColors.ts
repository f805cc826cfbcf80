// One colour per run, the same for as long as the run exists: a run keeps the colour it was first given (a newer
// run, or a deleted older one, never repaints it), and a new run takes the first palette colour no live run uses.
// Pure (no DOM), so unit tests check the palette and the assignment.

/**
 * Eight colours readable on dark AND light editor backgrounds: each has a WCAG contrast ratio ≥ 3 against both
 * #1e1e1e and #ffffff (relative luminance between ~0.14 and ~0.30), and any two are ≥ 30 apart in CIELAB ΔE*76
 * (≈ 2.3 is a just-noticeable difference), so overlaid runs are told apart at a glance.
 */
export const RUN_PALETTE: readonly string[] = ['#3a7dd8', '#e0701b', '#2e9e4f', '#c04bc0', '#d63e3e', '#1d9aa6', '#9a8400', '#8a6ff0'];

/**
 * Palette indices for `ids` (in run order): ids in `previous` keep their index; each new id takes the lowest index
 * no other id holds, or — when all are taken — the least used one (runs beyond the palette share, fairly).
 */
export function assignRunColors(ids: readonly string[], previous: Readonly<Record<string, number>>, size = RUN_PALETTE.length): Record<string, number> {
  const out: Record<string, number> = {};
  const uses = new Array<number>(size).fill(0);
  for (const id of ids) {
    const k = previous[id];
    if (k !== undefined && Number.isInteger(k) && k >= 0 && k < size) {
      out[id] = k;
      uses[k]!++;
    }
  }
  for (const id of ids) {
    if (out[id] !== undefined) continue;
    let best = 0;
    for (let k = 1; k < size; k++) if (uses[k]! < uses[best]!) best = k;
    out[id] = best;
    uses[best]!++;
  }
  return out;
}
