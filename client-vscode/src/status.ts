// Status bar item for gemini-json editors: what the active file is checked against (API surface, version, model and
// the model's status), from the server's `geminiLsp/documentContext` request. Clicking it opens a quick pick that
// writes the settings; its model list comes from `geminiLsp/models`. Nothing is read from disk: only the server
// knows which catalogue is in force (a `geminiLsp.server.path` install, or a refreshed model list).
import * as vscode from 'vscode';
import type { Extension } from './extension';

export interface CatalogInfo {
  collected?: string | null;
  refreshed?: boolean;
}

export interface DocumentContext {
  api?: string;
  apiVersion?: string;
  method?: string;
  model?: string | null;
  modelSource?: string | null;
  /** current | preview | deprecated | retired | unknown | tuned; null without a model. */
  modelStatus?: string | null;
  modelDisplayName?: string | null;
  modelSummary?: string | null;
  modelShutdownDate?: string | null;
  modelReplacement?: string | null;
  catalog?: CatalogInfo;
}

interface ModelsResponse {
  models?: { id: string; status?: string; detail?: string }[];
  catalog?: CatalogInfo;
}

/** Statuses worth showing next to the model in the status bar text itself. */
const NOTABLE_STATUS = new Set(['preview', 'deprecated', 'retired', 'unknown']);

const API_LABELS: Record<string, string> = { gemini: 'Gemini API', vertex: 'Vertex AI' };

interface ModelEntry {
  id: string;
  detail?: string;
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  current: DocumentContext | undefined;

  constructor(private readonly ext: Extension) {
    this.item = vscode.window.createStatusBarItem('geminiLsp.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Gemini LSP';
    this.item.command = 'geminiLsp.selectTarget';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refreshSoon(0)),
      vscode.workspace.onDidOpenTextDocument(() => this.refreshSoon(50)),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active !== undefined && e.uris.some((u) => u.toString() === active)) {
          this.refreshSoon(100);
        }
      }),
      ext.onDidChangeState(() => this.refreshSoon(0)),
    );
    this.refreshSoon(0);
  }

  refreshSoon(delayMs: number): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  private activeGeminiDocument(): vscode.TextDocument | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc !== undefined && doc.languageId === 'gemini-json' ? doc : undefined;
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    const doc = this.activeGeminiDocument();
    if (doc === undefined) {
      this.item.hide();
      return;
    }
    const client = this.ext.client;
    if (!this.ext.isRunning() || client === undefined) {
      this.current = undefined;
      this.item.text = this.ext.lastError !== undefined ? '$(error) Gemini' : '$(loading~spin) Gemini';
      this.item.tooltip = this.ext.lastError ?? 'Starting the Gemini language server…';
      this.item.command = this.ext.lastError !== undefined ? 'geminiLsp.showOutput' : undefined;
      this.item.show();
      return;
    }
    let context: DocumentContext;
    try {
      context = await client.sendRequest<DocumentContext>('geminiLsp/documentContext', {
        uri: client.code2ProtocolConverter.asUri(doc.uri),
      });
    } catch {
      // A server without the request: show what the settings say.
      const config = vscode.workspace.getConfiguration('geminiLsp', doc.uri);
      context = {
        api: config.get<string>('api') ?? 'gemini',
        apiVersion: config.get<string>('apiVersion') ?? 'v1beta',
        model: config.get<string>('model') || null,
        modelSource: config.get<string>('model') ? 'setting' : null,
      };
    }
    if (generation !== this.generation) {
      return;
    }
    this.current = context ?? {};
    this.render(this.current);
  }

  private render(ctx: DocumentContext): void {
    const api = API_LABELS[ctx.api ?? 'gemini'] ?? ctx.api ?? 'Gemini API';
    const version = ctx.api === 'vertex' ? 'v1' : (ctx.apiVersion ?? 'v1beta');
    const model = ctx.model ? ctx.model : 'no model';
    const status = ctx.model && ctx.modelStatus && NOTABLE_STATUS.has(ctx.modelStatus) ? ` (${ctx.modelStatus})` : '';
    this.item.text = `$(sparkle) ${api} ${version} · ${model}${status}`;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown('**Gemini LSP** checks this file against\n\n');
    tip.appendMarkdown(`- API surface: ${api} \`${version}\`\n`);
    if (ctx.method) {
      tip.appendMarkdown(`- Method: \`${ctx.method}\`\n`);
    }
    if (ctx.model) {
      const name = ctx.modelDisplayName ? ` ${ctx.modelDisplayName}` : '';
      tip.appendMarkdown(`- Model: \`${ctx.model}\`${name}${ctx.modelSource ? ` (from ${describeSource(ctx.modelSource)})` : ''}\n`);
      tip.appendMarkdown(`- Status: ${describeStatus(ctx)}\n`);
    } else {
      tip.appendMarkdown('- Model: none (model-specific rules are off; set `geminiLsp.model` or a top-level `"model"`)\n');
    }
    if (ctx.catalog?.collected) {
      tip.appendMarkdown(
        `- Model catalogue: collected ${ctx.catalog.collected}${ctx.catalog.refreshed ? ', with the refreshed model list' : ''}\n`,
      );
    }
    tip.appendMarkdown('\nClick to change the API surface or the model.');
    this.item.tooltip = tip;
    this.item.command = 'geminiLsp.selectTarget';
    this.item.show();
  }

  /** Quick pick: API surface, API version, model. Writes the workspace settings (user settings without a folder). */
  async pickTarget(): Promise<void> {
    const doc = this.activeGeminiDocument();
    const config = vscode.workspace.getConfiguration('geminiLsp', doc?.uri);
    const target =
      vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 0
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    type Choice = vscode.QuickPickItem & { key: 'api' | 'apiVersion' | 'model' };
    const api = config.get<string>('api') ?? 'gemini';
    const version = config.get<string>('apiVersion') ?? 'v1beta';
    const model = config.get<string>('model') ?? '';
    const choices: Choice[] = [
      { key: 'model', label: '$(symbol-constant) Model', description: model || 'none', detail: this.modelDetail() },
      { key: 'api', label: '$(globe) API surface', description: API_LABELS[api] ?? api },
      { key: 'apiVersion', label: '$(versions) API version', description: api === 'vertex' ? 'v1 (Vertex AI)' : version },
    ];
    const picked = await vscode.window.showQuickPick(choices, {
      title: 'Gemini LSP: what request files are checked against',
      placeHolder: 'Choose what to change (written to the workspace settings)',
    });
    if (picked === undefined) {
      return;
    }
    if (picked.key === 'api') {
      const value = await vscode.window.showQuickPick(
        [
          { label: 'gemini', description: 'Gemini Developer API (generativelanguage)' },
          { label: 'vertex', description: 'Vertex AI (aiplatform)' },
        ],
        { title: 'API surface', placeHolder: `Current: ${api}` },
      );
      if (value !== undefined) {
        await config.update('api', value.label, target);
      }
    } else if (picked.key === 'apiVersion') {
      const value = await vscode.window.showQuickPick(
        [
          { label: 'v1beta', description: 'Gemini Developer API, beta surface (default)' },
          { label: 'v1', description: 'Gemini Developer API, stable surface' },
        ],
        { title: 'API version', placeHolder: `Current: ${version}` },
      );
      if (value !== undefined) {
        await config.update('apiVersion', value.label, target);
      }
    } else {
      const value = await this.pickModel(model);
      if (value !== undefined) {
        await config.update('model', value === '' ? undefined : value, target);
      }
    }
    this.refreshSoon(300);
  }

  private modelDetail(): string | undefined {
    const ctx = this.current;
    if (ctx?.model && ctx.modelSource) {
      return `This file uses ${ctx.model} (from ${describeSource(ctx.modelSource)}); a model in the file wins over the setting.`;
    }
    return undefined;
  }

  /** The models the server's catalogue offers (not retired), best first; [] when the server cannot say. */
  private async serverModels(): Promise<ModelEntry[]> {
    const client = this.ext.client;
    if (!this.ext.isRunning() || client === undefined) {
      return [];
    }
    try {
      const answer = await client.sendRequest<ModelsResponse>('geminiLsp/models', {});
      return (answer?.models ?? []).map((m) => ({ id: m.id, detail: m.detail }));
    } catch {
      return []; // a server without the request: the quick pick still accepts any typed id
    }
  }

  /** A quick pick of known models (from the server's catalogue) that also accepts any typed id. '' = unset. */
  private async pickModel(current: string): Promise<string | undefined> {
    const models = await this.serverModels();
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
    qp.title = 'Model (geminiLsp.model)';
    qp.placeholder = `Type or pick a model id${current ? ` (current: ${current})` : ''}`;
    const fixed: vscode.QuickPickItem[] = [
      { label: '$(close) None', description: 'unset geminiLsp.model' },
      ...models.map((m) => ({ label: m.id, description: m.detail })),
    ];
    qp.items = fixed;
    qp.onDidChangeValue((value) => {
      const typed = value.trim();
      if (typed !== '' && !models.some((m) => m.id === typed)) {
        qp.items = [{ label: typed, description: 'use this id' }, ...fixed];
      } else {
        qp.items = fixed;
      }
    });
    return new Promise((resolve) => {
      let result: string | undefined;
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0];
        if (item !== undefined) {
          result = item.label.startsWith('$(close)') ? '' : item.label;
        } else if (qp.value.trim() !== '') {
          result = qp.value.trim();
        }
        qp.hide();
      });
      qp.onDidHide(() => {
        qp.dispose();
        resolve(result);
      });
      qp.show();
    });
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

function describeSource(source: string): string {
  switch (source) {
    case 'body':
    case 'file':
    case 'document':
      return 'the file';
    case 'setting':
    case 'settings':
      return 'geminiLsp.model';
    default:
      return source;
  }
}

function describeStatus(ctx: DocumentContext): string {
  switch (ctx.modelStatus) {
    case undefined:
    case null:
      return 'not reported by the server';
    case 'unknown':
      return 'not in the model catalogue';
    case 'tuned':
      return 'a tuned model';
    default: {
      const bits = [ctx.modelSummary ?? ctx.modelStatus];
      if (ctx.modelShutdownDate) {
        bits.push(`${ctx.modelStatus === 'retired' ? 'shut down' : 'shuts down'} ${ctx.modelShutdownDate}`);
      }
      if (ctx.modelReplacement) {
        bits.push(`use \`${ctx.modelReplacement}\``);
      }
      return bits.join('; ');
    }
  }
}
