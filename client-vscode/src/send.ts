// Sending a request file from the editor. The language server does the work (code lenses Send / Stream / Count
// tokens run its `geminiLsp.send` command); this part only shows the answer in a read-only document beside the file,
// lets the user store an API key in VS Code's secret storage (handed to the server process's environment at start,
// never inside an LSP message), picks the folder for "Save as test case", and passes the user-level base URL and
// the workspace-trust state to the server.
import * as vscode from 'vscode';

export const SECRET_KEY = 'geminiLsp.apiKey';
export const ANSWER_SCHEME = 'gemini-answer';
const ANSWER_NOTIFICATION = 'geminiLsp/answerProgress';

interface Answer {
  title: string;
  header: string[];
  body: string;
  streamed: string;
  done: boolean;
}

/** Read-only documents `gemini-answer:/<file>.answer.jsonc?<id>` holding the answers, updated as text streams in. */
export class AnswerDocuments implements vscode.TextDocumentContentProvider {
  private readonly answers = new Map<string, Answer>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    const a = this.answers.get(uri.query);
    if (a === undefined) {
      return '// This answer is no longer available.\n';
    }
    const lines = a.header.map((l) => `// ${l}`);
    if (a.streamed && !a.done) {
      lines.push('// streaming…', '', a.streamed);
    } else if (a.body) {
      if (a.streamed) lines.push('// streamed text:', ...a.streamed.split('\n').map((l) => `//   ${l}`));
      lines.push(a.body);
    }
    return lines.join('\n') + '\n';
  }

  create(fileUri: string, mode: string): { id: string; uri: vscode.Uri } {
    const id = `${Date.now().toString(36)}-${++this.counter}`;
    const name = fileUri.split('/').pop()?.replace(/\.json$/, '') ?? 'request';
    const what = mode === 'countTokens' ? 'count-tokens' : mode === 'stream' ? 'stream' : 'answer';
    this.answers.set(id, { title: name, header: [`${what} for ${name}: sending…`], body: '', streamed: '', done: false });
    return { id, uri: vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${name}.${what}.jsonc`, query: id }) };
  }

  append(id: string, text: string): void {
    const a = this.answers.get(id);
    if (a === undefined) return;
    a.streamed += text;
    this.fire(id);
  }

  finish(id: string, result: Record<string, unknown> | undefined, error?: string): void {
    const a = this.answers.get(id);
    if (a === undefined) return;
    a.done = true;
    if (result === undefined || error !== undefined) {
      a.header = [`not sent: ${error ?? 'no result'}`];
    } else if (result.cancelled) {
      a.header = ['cancelled'];
    } else if (result.status === undefined && result.error) {
      a.header = [`not sent: ${String(result.error)}`];
    } else {
      const status = result.status === null ? `no answer (${String(result.failure)})` : `HTTP ${String(result.status)}`;
      const tries = Number(result.attempts ?? 1);
      a.header = [
        `${status} · ${(Number(result.elapsedMs ?? 0) / 1000).toFixed(2)} s · ${tries} ${tries === 1 ? 'try' : 'tries'}`,
        `POST ${String(result.url ?? '')}`,
      ];
      if (result.incomplete) a.header.push('INCOMPLETE: the stream broke before it ended; the text below is partial');
      if (result.stopReason && result.status !== 400) a.header.push(String(result.stopReason));
      if (result.hint) a.header.push(`hint: ${String(result.hint)}`);
      if (Number(result.diagnostics ?? 0) > 0) a.header.push(`${String(result.diagnostics)} problem(s) from the API are marked in the file`);
      a.body = JSON.stringify(result.response ?? null, null, 2);
      if (typeof result.text === 'string') a.streamed = result.text;
    }
    this.fire(id);
  }

  private fire(id: string): void {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === ANSWER_SCHEME && doc.uri.query === id) this.changed.fire(doc.uri);
    }
  }
}

/** Settings the server may take only from the user (never from a workspace) plus the trust state. */
export function sendInitializationOptions(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('geminiLsp.send');
  const user = <T>(name: string): T | undefined => config.inspect<T>(name)?.globalValue;
  return {
    send: {
      trusted: vscode.workspace.isTrusted,
      baseUrl: user<string>('baseUrl') || undefined,
      vertexProject: config.get<string>('vertexProject') || undefined,
      vertexLocation: config.get<string>('vertexLocation') || undefined,
      testCaseFolder: user<string>('testCaseFolder') || undefined,
    },
  };
}

/** The server process's environment with the stored key (the key never goes into an LSP message). */
export async function envWithKey(context: vscode.ExtensionContext, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const key = await context.secrets.get(SECRET_KEY);
  return key ? { ...env, GEMINI_API_KEY: key } : env;
}

interface ClientLike {
  onNotification(method: string, handler: (params: { requestId?: string; text?: string }) => void): vscode.Disposable;
}

export class Sending implements vscode.Disposable {
  readonly answers = new AnswerDocuments();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext, private readonly restart: () => Promise<void>) {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, this.answers),
      vscode.commands.registerCommand('geminiLsp.setApiKey', () => this.setKey()),
      vscode.commands.registerCommand('geminiLsp.clearApiKey', () => this.clearKey()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.restart()),
    );
  }

  /** Hooks on a freshly started client: streamed text goes into the answer document. */
  attach(client: ClientLike): vscode.Disposable {
    return client.onNotification(ANSWER_NOTIFICATION, (params) => {
      if (params.requestId && params.text) this.answers.append(params.requestId, params.text);
    });
  }

  /** languageclient middleware for workspace/executeCommand. */
  async executeCommand(command: string, args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
    if (command === 'geminiLsp.saveTestCase') {
      const arg = (args[0] ?? {}) as Record<string, unknown>;
      if (!arg.folder) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Save test case here',
        });
        if (!picked || picked.length === 0) return undefined;
        arg.folder = picked[0].fsPath;
      }
      const result = (await next(command, [arg])) as Record<string, unknown> | undefined;
      if (result?.ok) void vscode.window.showInformationMessage(`Saved ${String(result.request)} and its answer.`);
      else if (result?.error) void vscode.window.showWarningMessage(`Gemini: ${String(result.error)}`);
      return result;
    }
    if (command !== 'geminiLsp.send') return next(command, args);
    const arg = { ...((args[0] ?? {}) as Record<string, unknown>) };
    const { id, uri } = this.answers.create(String(arg.uri ?? ''), String(arg.mode ?? 'send'));
    arg.requestId = id;
    const shown = vscode.workspace.openTextDocument(uri).then((doc) =>
      vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: false }));
    try {
      const result = (await next(command, [arg])) as Record<string, unknown> | undefined;
      this.answers.finish(id, result);
      if (result && result.ok === false && result.error && result.status === undefined && !result.cancelled) {
        void vscode.window.showWarningMessage(`Gemini: ${String(result.error)}`, 'Set API Key').then((choice) => {
          if (choice === 'Set API Key') void this.setKey();
        });
      }
      await shown;
      return result;
    } catch (e) {
      this.answers.finish(id, undefined, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }

  private async setKey(): Promise<void> {
    const key = await vscode.window.showInputBox({
      title: 'Gemini API key',
      prompt: 'Stored in VS Code\'s secret storage and given to the language server process at start (never in settings).',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/^[\x21-\x7e]+$/.test(v.trim()) ? undefined : 'An API key has no spaces or special characters'),
    });
    if (!key) return;
    await this.context.secrets.store(SECRET_KEY, key.trim());
    await this.restart();
    void vscode.window.showInformationMessage('Gemini: API key stored; the language server was restarted.');
  }

  private async clearKey(): Promise<void> {
    await this.context.secrets.delete(SECRET_KEY);
    await this.restart();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
