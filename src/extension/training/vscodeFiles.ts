// FileApi over vscode.workspace.fs below a storage Uri, so runs are stored wherever the extension host keeps
// its storage (local disk, or the remote side of a remote workspace). Atomic writes: temp file, then rename.
import * as vscode from 'vscode';
import type { FileApi } from './store';

export function workspaceFiles(root: vscode.Uri): FileApi {
  const uri = (p: string): vscode.Uri => vscode.Uri.joinPath(root, ...p.split('/'));
  let counter = 0;
  return {
    async read(p) {
      try {
        return await vscode.workspace.fs.readFile(uri(p));
      } catch {
        return null;
      }
    },
    async write(p, data) {
      const target = uri(p);
      const tmp = vscode.Uri.joinPath(target, '..', `.${p.split('/').pop()}.${Date.now()}.${++counter}.tmp`);
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
      await vscode.workspace.fs.writeFile(tmp, data);
      await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
    },
    async list(p) {
      try {
        return (await vscode.workspace.fs.readDirectory(uri(p))).map(([name]) => name);
      } catch {
        return [];
      }
    },
    async remove(p) {
      try {
        await vscode.workspace.fs.delete(uri(p), { recursive: true, useTrash: false });
      } catch {
        // already gone
      }
    },
    osPath: (p) => uri(p).fsPath,
  };
}
