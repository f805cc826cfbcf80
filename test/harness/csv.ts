// An RFC 4180 reader for the tests that read an exported scalars file (unit: runs/scalarsExport.ts's text; e2e:
// the file "Export Scalars" wrote): quoted fields with doubled quotes, CRLF or LF line ends, a last line with or
// without its line end. An unterminated quoted field fails the test.
import * as assert from 'node:assert/strict';

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  assert.equal(quoted, false, 'an unterminated quoted field');
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}
