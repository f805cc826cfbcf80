// First contact: the Getting Started walkthrough opens on the first activation after install, once (remembered
// in globalState), unless `seqlab.openWalkthroughOnFirstStart` is off (the e2e harness's shared workbench turns it
// off so the other UI tests start on a clean editor area; its own walkthrough test turns it on).
import * as vscode from 'vscode';

export const WALKTHROUGH_SHOWN_KEY = 'seqlab.walkthroughShown';
export const WALKTHROUGH_ID = 'seqlab.seqlab#seqlab.gettingStarted';

export async function openWalkthroughOnFirstStart(context: vscode.ExtensionContext): Promise<boolean> {
  if (context.globalState.get<boolean>(WALKTHROUGH_SHOWN_KEY)) return false;
  if (!vscode.workspace.getConfiguration('seqlab').get<boolean>('openWalkthroughOnFirstStart', true)) return false;
  await context.globalState.update(WALKTHROUGH_SHOWN_KEY, true);
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
  return true;
}
