// A temporary folder for a test file's inputs, and a helper that writes one file into it (several CLI tests
// spawn `seqlab` on files they write first).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function scratchDir(prefix: string): { dir: string; file(name: string, text: string): string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file(name, text) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      return f;
    },
  };
}
