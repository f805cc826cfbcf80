// Writing a model into a folder the user picked (Save Model As…, Export Model for PyTorch…). On local disk the
// folder is replaced as a whole, exactly as `seqlab` does it (src/cli/checkpointDir.ts: a sibling folder, then
// renames), so a crash mid-save leaves the old model or the new one and keeps the user's other files there.
// Elsewhere (a remote workspace's file system) workspace.fs can only rename file by file: each file is atomic.
import * as vscode from 'vscode';
import { replaceCheckpointDir } from '../../cli/checkpointDir';

export async function writeCheckpointFolder(out: vscode.Uri, files: Record<string, string | Uint8Array>): Promise<string[]> {
  if (out.scheme === 'file') return replaceCheckpointDir(out.fsPath, files);
  const written: string[] = [];
  await vscode.workspace.fs.createDirectory(out);
  for (const [name, content] of Object.entries(files)) {
    const target = vscode.Uri.joinPath(out, name), tmp = vscode.Uri.joinPath(out, `.${name}.tmp`);
    await vscode.workspace.fs.writeFile(tmp, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
    written.push(target.fsPath);
  }
  return written;
}
