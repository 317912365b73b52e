import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { LaunchError, resolveLaunch, ServerLaunch } from './launch';
import { registerRefactorCommands } from './refactor';
import { envWithKey, sendInitializationOptions, Sending } from './send';
import { StatusBar } from './status';

export const LANGUAGE_ID = 'gemini-json';
const PYTHON_DOWNLOAD_URL = 'https://www.python.org/downloads/';

/** Messages from vscode-languageclient are logged, not shown: the extension shows its own, with actions. */
class GeminiLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown, _showNotification?: boolean | 'force'): void {
    super.error(message, data, false);
  }
}

/** Restarts a crashed server at most 3 times in 3 minutes, and never one that did not start at all. */
class BoundedRestarts implements ErrorHandler {
  private readonly restarts: number[] = [];
  running = false;

  constructor(private readonly onGiveUp: (reason: string) => void) {}

  error(): ErrorHandlerResult {
    return { action: ErrorAction.Continue, handled: true };
  }

  closed(): CloseHandlerResult {
    if (!this.running) {
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    const now = Date.now();
    this.restarts.push(now);
    while (this.restarts.length > 0 && now - this.restarts[0] > 3 * 60 * 1000) {
      this.restarts.shift();
    }
    if (this.restarts.length > 3) {
      this.onGiveUp('The Gemini language server stopped 4 times in 3 minutes and will not be restarted.');
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    return { action: CloseAction.Restart, handled: true };
  }
}

export class Extension implements vscode.Disposable {
  client: LanguageClient | undefined;
  launch: ServerLaunch | undefined;
  lastError: string | undefined;
  sending: Sending | undefined;
  private starting: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
  ) {}

  async start(): Promise<void> {
    if (this.starting) {
      return this.starting;
    }
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
      this.stateEmitter.fire();
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.lastError = undefined;
    let launch: ServerLaunch;
    try {
      launch = await resolveLaunch(this.context.extensionPath, this.log);
    } catch (e) {
      if (e instanceof LaunchError) {
        this.fail(e.message, e.setting, e.offerPythonInstall);
      } else {
        this.fail(`Gemini LSP: could not start the server: ${String(e)}`, 'geminiLsp.server', false);
      }
      return;
    }
    this.launch = launch;
    this.log.info(`Starting the server: ${launch.description}`);
    this.log.info(`Command: ${[launch.command, ...launch.args].join(' ')}`);

    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      options: { env: this.sending ? await envWithKey(this.context, launch.env) : launch.env },
    };
    const errorHandler = new BoundedRestarts((reason) => {
      this.fail(`${reason} See the log for the cause.`, 'geminiLsp.server', false);
    });
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: LANGUAGE_ID },
        { scheme: 'untitled', language: LANGUAGE_ID },
      ],
      // The server pulls `geminiLsp` with workspace/configuration; this makes the client also send
      // workspace/didChangeConfiguration when any geminiLsp setting changes, so the server re-pulls.
      synchronize: { configurationSection: 'geminiLsp' },
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler,
      initializationOptions: sendInitializationOptions(),
      middleware: {
        executeCommand: (command, args, next) =>
          this.sending ? this.sending.executeCommand(command, args, next) : next(command, args),
      },
      initializationFailedHandler: (error) => {
        this.log.error(`The server failed to initialize: ${String(error)}`);
        return false;
      },
    };
    const client = new GeminiLanguageClient('geminiLsp', 'Gemini LSP', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      errorHandler.running = e.newState === State.Running || errorHandler.running;
      this.stateEmitter.fire();
    });
    try {
      await client.start();
      if (this.sending) this.disposables.push(this.sending.attach(client));
      errorHandler.running = true;
      this.log.info('The server is running.');
    } catch (e) {
      this.client = undefined;
      try {
        await client.dispose();
      } catch {
        // already stopped
      }
      this.log.error(`Start-up failed: ${firstLine(e)}`);
      this.fail(
        `Gemini LSP: the language server did not start (${launch.description}): ${startFailure(e)}`,
        'geminiLsp.server',
        false,
      );
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        await client.stop(5000);
      } catch (e) {
        this.log.warn(`Stopping the server: ${String(e)}`);
      }
      try {
        await client.dispose();
      } catch {
        // ignore
      }
    }
    this.stateEmitter.fire();
  }

  async restart(): Promise<void> {
    if (this.starting) {
      await this.starting.catch(() => undefined);
    }
    this.log.info('Restarting the server.');
    await this.stop();
    await this.start();
  }

  isRunning(): boolean {
    return this.client !== undefined && this.client.state === State.Running;
  }

  /** Shows one error with actions; never throws, never retries by itself. */
  private fail(message: string, setting: string, offerPythonInstall: boolean): void {
    this.lastError = message;
    this.log.error(message);
    const actions = ['Open Settings', ...(offerPythonInstall ? ['Install Python'] : []), 'Show Log'];
    void vscode.window.showErrorMessage(message, ...actions).then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      } else if (choice === 'Install Python') {
        void vscode.env.openExternal(vscode.Uri.parse(PYTHON_DOWNLOAD_URL));
      } else if (choice === 'Show Log') {
        this.log.show();
      }
    });
    this.stateEmitter.fire();
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
    this.stateEmitter.dispose();
  }
}

/** Why a start failed, in words: a broken pipe or a disposed connection means the process exited early. */
function startFailure(e: unknown): string {
  const text = firstLine(e);
  if (/EPIPE|ECONNRESET|disposed|closed|exited/i.test(text)) {
    return 'it exited during start-up. Its output is in the log.';
  }
  return text;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}

let extension: Extension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Gemini LSP', { log: true });
  context.subscriptions.push(log);
  const ext = new Extension(context, log);
  extension = ext;
  context.subscriptions.push(ext);

  const sending = new Sending(context, () => ext.restart());
  ext.sending = sending;
  context.subscriptions.push(sending);

  const status = new StatusBar(ext);
  context.subscriptions.push(status);

  context.subscriptions.push(
    vscode.commands.registerCommand('geminiLsp.restartServer', () => ext.restart()),
    vscode.commands.registerCommand('geminiLsp.showOutput', () => log.show()),
    vscode.commands.registerCommand('geminiLsp.selectTarget', () => status.pickTarget()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('geminiLsp.server.path') || e.affectsConfiguration('geminiLsp.server.python') ||
          e.affectsConfiguration('geminiLsp.send')) {
        void ext.restart();
      } else if (e.affectsConfiguration('geminiLsp')) {
        status.refreshSoon(300);
      }
    }),
  );
  registerRefactorCommands(context, ext);

  void ext.start();
}

export async function deactivate(): Promise<void> {
  if (extension !== undefined) {
    await extension.stop();
  }
}
