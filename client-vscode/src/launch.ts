// How the language server is started: an explicit `gemini-lsp` executable, or a Python >= 3.10 that runs the
// server bundled inside the extension (server/gemini_lsp + pure-Python dependencies in server/lib).
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export interface ServerLaunch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** One line for the log and the status bar tooltip. */
  description: string;
}

/** A launch problem the user can fix; `setting` names the setting to open. */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly setting: string,
    readonly offerPythonInstall: boolean,
  ) {
    super(message);
  }
}

interface PythonCandidate {
  command: string;
  /** Extra arguments before ours, e.g. `-3` for the Windows `py` launcher. */
  prefix: string[];
  origin: string;
}

type Log = vscode.LogOutputChannel;

export function expandPath(value: string): string {
  let p = value.trim();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    p = path.join(os.homedir(), p.slice(1));
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder !== undefined) {
    p = p.replace(/\$\{workspaceFolder\}/g, folder);
  }
  return p;
}

function execFile(command: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    cp.execFile(command, args, { timeout: timeoutMs, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        reject(Object.assign(error, { stderr }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Returns [major, minor] of a Python, or a reason why it can't be used. */
export async function probePython(candidate: PythonCandidate): Promise<[number, number] | string> {
  try {
    const { stdout } = await execFile(
      candidate.command,
      [...candidate.prefix, '-c', 'import sys; print(sys.version_info[:2])'],
      15000,
    );
    const m = /\((\d+),\s*(\d+)\)/.exec(stdout);
    if (!m) {
      return `unexpected output ${JSON.stringify(stdout.trim())}`;
    }
    return [Number(m[1]), Number(m[2])];
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      return 'not found';
    }
    return (err.stderr || err.message || String(e)).trim().split('\n').slice(-1)[0];
  }
}

function versionOk(v: [number, number]): boolean {
  return v[0] > MIN_PYTHON[0] || (v[0] === MIN_PYTHON[0] && v[1] >= MIN_PYTHON[1]);
}

/** The interpreter selected in the Python extension, if that extension is installed (never required). */
async function pythonExtensionInterpreter(log: Log, resource: vscode.Uri | undefined): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (ext === undefined) {
    return undefined;
  }
  try {
    const activation = Promise.resolve(ext.isActive ? ext.exports : ext.activate());
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10000));
    const api: any = await Promise.race([activation, timeout]);
    if (!api) {
      return undefined;
    }
    if (api.environments?.getActiveEnvironmentPath) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment?.(active);
      const exe: string | undefined = resolved?.executable?.uri?.fsPath ?? active?.path;
      if (exe) {
        return exe;
      }
    }
    const details = api.settings?.getExecutionDetails?.(resource);
    const cmd: unknown = details?.execCommand?.[0];
    return typeof cmd === 'string' ? cmd : undefined;
  } catch (e) {
    log.warn(`Could not ask the Python extension for its interpreter: ${String(e)}`);
    return undefined;
  }
}

export function bundledServerDir(extensionPath: string): string | undefined {
  const dir = path.join(extensionPath, 'server');
  return fs.existsSync(path.join(dir, 'gemini_lsp', '__init__.py')) ? dir : undefined;
}

function pythonLaunch(candidate: PythonCandidate, version: [number, number], extensionPath: string, log: Log): ServerLaunch {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const bundled = bundledServerDir(extensionPath);
  let where: string;
  if (bundled !== undefined) {
    const entries = [bundled, path.join(bundled, 'lib')];
    if (env.PYTHONPATH) {
      entries.push(env.PYTHONPATH);
    }
    env.PYTHONPATH = entries.join(path.delimiter);
    where = `the bundled server (${bundled})`;
  } else {
    // Development: the extension runs from source without `npm run bundle-server`.
    log.warn('No bundled server found in the extension; running gemini_lsp from the interpreter\'s own packages.');
    where = 'gemini_lsp from the interpreter\'s packages';
  }
  return {
    command: candidate.command,
    args: [...candidate.prefix, '-m', 'gemini_lsp', 'serve', '--stdio'],
    env,
    description: `Python ${version.join('.')} (${candidate.origin}: ${candidate.command}) running ${where}`,
  };
}

/**
 * Chooses how to start the server:
 *   1. `geminiLsp.server.path`: a gemini-lsp executable, started with `serve --stdio`;
 *   2. `geminiLsp.server.python`;
 *   3. the Python extension's interpreter (only if ms-python.python is installed);
 *   4. `python3`, then `python` on PATH (`py -3` first on Windows).
 * Every Python is checked to be >= 3.10. An explicitly configured path that is unusable is an error
 * (no silent fallback); the automatic candidates fall through to the next one.
 */
export async function resolveLaunch(extensionPath: string, log: Log): Promise<ServerLaunch> {
  const resource = vscode.window.activeTextEditor?.document.uri;
  const config = vscode.workspace.getConfiguration('geminiLsp', resource);

  const serverPath = (config.get<string | null>('server.path') ?? '').trim();
  if (serverPath !== '') {
    const exe = expandPath(serverPath);
    if (!fs.existsSync(exe)) {
      throw new LaunchError(
        `Gemini LSP: the server executable set in geminiLsp.server.path does not exist: ${exe}`,
        'geminiLsp.server.path',
        false,
      );
    }
    return {
      command: exe,
      args: ['serve', '--stdio'],
      env: { ...process.env },
      description: `${exe} (geminiLsp.server.path)`,
    };
  }

  const explicit = (config.get<string | null>('server.python') ?? '').trim();
  if (explicit !== '') {
    const candidate = { command: expandPath(explicit), prefix: [], origin: 'geminiLsp.server.python' };
    const version = await probePython(candidate);
    if (typeof version === 'string' || !versionOk(version)) {
      const why = typeof version === 'string' ? version : `it is Python ${version.join('.')}`;
      throw new LaunchError(
        `Gemini LSP: the Python set in geminiLsp.server.python (${candidate.command}) can't run the server: ${why}. ` +
          `Python ${MIN_PYTHON.join('.')} or newer is needed.`,
        'geminiLsp.server.python',
        true,
      );
    }
    return pythonLaunch(candidate, version, extensionPath, log);
  }

  const candidates: PythonCandidate[] = [];
  const fromExtension = await pythonExtensionInterpreter(log, resource);
  if (fromExtension !== undefined) {
    candidates.push({ command: fromExtension, prefix: [], origin: 'Python extension' });
  }
  if (process.platform === 'win32') {
    candidates.push({ command: 'py', prefix: ['-3'], origin: 'PATH' });
  }
  candidates.push({ command: 'python3', prefix: [], origin: 'PATH' });
  candidates.push({ command: 'python', prefix: [], origin: 'PATH' });

  const tried: string[] = [];
  for (const candidate of candidates) {
    const version = await probePython(candidate);
    const label = [candidate.command, ...candidate.prefix].join(' ');
    if (typeof version !== 'string' && versionOk(version)) {
      return pythonLaunch(candidate, version, extensionPath, log);
    }
    const why = typeof version === 'string' ? version : `Python ${version.join('.')}`;
    tried.push(`${label} (${why})`);
    log.info(`Python candidate ${label} from ${candidate.origin}: ${why}`);
  }
  throw new LaunchError(
    `Gemini LSP needs Python ${MIN_PYTHON.join('.')} or newer to run its language server, and none was found ` +
      `(tried ${tried.join(', ')}). Install Python, or set geminiLsp.server.python to a Python ` +
      `${MIN_PYTHON.join('.')}+ interpreter, then run "Gemini: Restart Server".`,
    'geminiLsp.server.python',
    true,
  );
}
