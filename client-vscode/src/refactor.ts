// Commands that run one of the server's whole-document refactorings (offered as code actions of a known kind).
import * as vscode from 'vscode';
import type { Extension } from './extension';

export interface RefactorCommand {
  command: string;
  kind: string;
  title: string;
}

// The kinds are the server's (server/gemini_lsp/features/code_actions.py); each command asks for exactly one.
export const REFACTOR_COMMANDS: RefactorCommand[] = [
  { command: 'geminiLsp.convertToStrictJson', kind: 'refactor.rewrite.gemini.strictJson', title: 'Convert to Strict JSON' },
  { command: 'geminiLsp.convertKeysToCamelCase', kind: 'refactor.rewrite.gemini.camelCase', title: 'Convert All Keys to camelCase' },
  { command: 'geminiLsp.convertKeysToSnakeCase', kind: 'refactor.rewrite.gemini.snakeCase', title: 'Convert All Keys to snake_case' },
  { command: 'geminiLsp.fixAll', kind: 'source.fixAll.gemini', title: 'Fix All Safe Problems' },
];

async function runCodeActionOfKind(ext: Extension, spec: RefactorCommand): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== 'gemini-json') {
    void vscode.window.showInformationMessage(`${spec.title}: open a Gemini request file (*.gemini.json) first.`);
    return;
  }
  if (!ext.isRunning()) {
    void vscode.window.showWarningMessage(`${spec.title}: the Gemini language server is not running.`);
    return;
  }
  const doc = editor.document;
  const whole = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const actions =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      whole,
      spec.kind,
    )) ?? [];
  const kind = vscode.CodeActionKind.Empty.append(spec.kind);
  const action = actions.find(
    (a): a is vscode.CodeAction => 'kind' in a && a.kind !== undefined && kind.contains(a.kind),
  );
  if (action === undefined) {
    void vscode.window.showInformationMessage(`${spec.title}: nothing to change in this file.`);
    return;
  }
  if (action.edit !== undefined) {
    await vscode.workspace.applyEdit(action.edit);
  }
  if (action.command !== undefined) {
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  }
}

export function registerRefactorCommands(context: vscode.ExtensionContext, ext: Extension): void {
  for (const spec of REFACTOR_COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(spec.command, () => runCodeActionOfKind(ext, spec)));
  }
}
