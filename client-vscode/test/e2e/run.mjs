#!/usr/bin/env node
// End-to-end test of the packaged extension in a real VS Code workbench: code-server 4.100.3 driven by headless
// Chromium through playwright-core. It installs the .vsix, opens a workspace of request files and checks, through
// the UI only: squiggle + Problems entry, quick fix from the Ctrl+. menu, completion of a model name, hover,
// and a settings change (model, via the status bar quick pick and via a settings.json edit) without a restart.
//
// Usage: node test/e2e/run.mjs --vsix X.vsix --python /path/to/python [--code-server BIN] [--out DIR]
//                              [--result FILE] [--keep] [--timeout-ms N] [--bare-python PY]
//                              [--send-base-url URL --send-key KEY --send-fixture FILE]
// --send-*: a stand-in Gemini API on loopback, the key to store with "Gemini: Set API Key", and a request file whose
// 400 the stand-in answers (the send_answer step clicks the Send code lens).
// --bare-python: a Python >= 3.10 without pygls (and ideally without jsonschema): the bundled server must run on it.
// Prints one JSON object (the result) as its last stdout line and writes it to --result when given.
// Exit code 0 when every step passed, 1 when one failed, 2 on a usage/setup problem.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.resolve(here, '..', '..');

function parseArgs(argv) {
  const args = {
    vsix: process.env.GEMINI_LSP_VSIX,
    python: process.env.GEMINI_LSP_PYTHON,
    codeServer: process.env.CODE_SERVER_BIN ||
      path.join(process.env.GEMINI_LSP_E2E_CACHE || path.join(os.homedir(), '.cache', 'gemini-lsp-e2e'),
        'code-server-4.100.3', 'node_modules', '.bin', 'code-server'),
    chromium: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    out: path.join(clientDir, 'test-results'),
    result: undefined,
    keep: false,
    timeoutMs: 30000,
  };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--vsix') args.vsix = next();
    else if (a === '--python') args.python = next();
    else if (a === '--server-path') args.serverPath = next();
    else if (a === '--bare-python') args.barePython = next();
    else if (a === '--code-server') args.codeServer = next();
    else if (a === '--chromium') args.chromium = next();
    else if (a === '--out') args.out = next();
    else if (a === '--result') args.result = next();
    else if (a === '--keep') args.keep = true;
    else if (a === '--timeout-ms') args.timeoutMs = Number(next());
    else if (a === '--send-base-url') args.sendBaseUrl = next();
    else if (a === '--send-key') args.sendKey = next();
    else if (a === '--send-fixture') args.sendFixture = next();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.vsix || !args.python) throw new Error('--vsix and --python are required');
  return args;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForHealth(url, deadlineMs, proc) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`code-server exited with ${proc.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`code-server not healthy after ${deadlineMs} ms`);
}

function copyDir(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name);
    const d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d);
    else fs.copyFileSync(s, d);
  }
}

class Steps {
  constructor(page, outDir, t0) {
    this.page = page;
    this.outDir = outDir;
    this.t0 = t0;
    this.results = [];
    this.screenshots = [];
  }
  async shot(name) {
    const file = path.join(this.outDir, `${name}.png`);
    try {
      await this.page.screenshot({ path: file });
      this.screenshots.push(file);
      console.error(`[e2e] screenshot ${file}`);
    } catch (e) {
      console.error(`[e2e] screenshot ${name} failed: ${e}`);
    }
    return file;
  }
  async run(name, fn) {
    const start = Date.now();
    const entry = { name, ok: false, ms: 0, at_ms: 0 };
    try {
      // start every step from a quiet workbench: no menu, widget or quick input left open
      await this.page.keyboard.press('Escape').catch(() => {});
      await this.page.keyboard.press('Escape').catch(() => {});
      entry.detail = (await fn()) ?? null;
      entry.ok = true;
    } catch (e) {
      entry.error = String(e && e.stack ? e.stack : e).split('\n').slice(0, 6).join('\n');
      entry.screenshot = await this.shot(`fail-${name}`);
    }
    entry.ms = Date.now() - start;
    entry.at_ms = Date.now() - this.t0;
    this.results.push(entry);
    console.error(`[e2e] ${entry.ok ? 'PASS' : 'FAIL'} ${name} (${entry.ms} ms)${entry.ok ? '' : `: ${entry.error}`}`);
    return entry.ok;
  }
}

// ---------- workbench helpers ----------

const EDITOR = '.editor-group-container.active .monaco-editor[data-uri]';

async function openFile(page, name, timeout) {
  const item = page.getByRole('treeitem', { name, exact: true });
  await item.first().waitFor({ state: 'visible', timeout });
  await item.first().click();
  await page.locator(`${EDITOR}[data-uri$="/${name}"]`).first().waitFor({ state: 'visible', timeout });
  // a click in the explorer leaves the focus there: move it into the editor, at the start of the file
  await page.keyboard.press('Control+1');
  await page.keyboard.press('Control+Home');
}

function squiggles(page, kind = 'error') {
  return page.locator(`${EDITOR} .squiggly-${kind}`);
}

async function goTo(page, line, col) {
  await page.keyboard.press('Control+g');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(`:${line}:${col}`);
  await sleep(100);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5000 });
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter');
}

async function problemsRows(page) {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 5000 });
  }
  return panel.locator('.monaco-list-row');
}

async function waitForProblem(page, pattern, timeout) {
  const end = Date.now() + timeout;
  let texts = [];
  while (Date.now() < end) {
    const rows = await problemsRows(page);
    texts = await rows.allInnerTexts();
    const hit = texts.find((t) => pattern.test(t.replace(/\s+/g, ' ')));
    if (hit !== undefined) return { row: hit.replace(/\s+/g, ' ').trim(), rows: texts.map((t) => t.replace(/\s+/g, ' ').trim()) };
    await sleep(200);
  }
  throw new Error(`no Problems row matching ${pattern}; rows: ${JSON.stringify(texts)}`);
}

async function statusItemText(page) {
  const item = page.locator('.statusbar-item', { hasText: /Gemini|Vertex/ }).filter({ has: page.locator('.codicon-sparkle') });
  await item.first().waitFor({ state: 'visible', timeout: 10000 });
  return { item: item.first(), text: (await item.first().innerText()).replace(/\s+/g, ' ').trim() };
}

// ---------- main ----------

async function main() {
  const args = parseArgs(process.argv);
  const t0 = Date.now();
  const timings = {};
  const mark = (k) => { timings[k] = Date.now() - t0; };
  for (const [what, p] of [['code-server', args.codeServer], ['chromium', args.chromium], ['vsix', args.vsix], ['python', args.python]]) {
    if (!fs.existsSync(p)) {
      console.log(JSON.stringify({ ok: false, setup_error: `${what} not found: ${p}` }));
      return 2;
    }
  }
  fs.mkdirSync(args.out, { recursive: true });
  for (const f of fs.readdirSync(args.out)) if (f.endsWith('.png')) fs.rmSync(path.join(args.out, f));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gemini-lsp-e2e-'));
  const userDir = path.join(tmp, 'user');
  const extDir = path.join(tmp, 'ext');
  const ws = path.join(tmp, 'workspace');
  copyDir(path.join(here, 'fixtures', 'workspace'), ws);
  fs.mkdirSync(path.join(userDir, 'User'), { recursive: true });
  const userSettings = {
    'geminiLsp.server.python': args.python,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'editor.minimap.enabled': false,
    'window.commandCenter': false,
    'files.autoSave': 'off',
    'editor.hover.delay': 300,
  };
  if (args.serverPath) userSettings['geminiLsp.server.path'] = args.serverPath;
  if (args.sendBaseUrl) userSettings['geminiLsp.send.baseUrl'] = args.sendBaseUrl;
  fs.writeFileSync(path.join(userDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));

  const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg'), XDG_DATA_HOME: path.join(tmp, 'xdg-data') };
  delete env.VSCODE_IPC_HOOK_CLI;
  const csCommon = ['--user-data-dir', userDir, '--extensions-dir', extDir];
  execFileSync(args.codeServer, [...csCommon, '--install-extension', path.resolve(args.vsix)], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
  const installed = fs.readdirSync(extDir).filter((d) => d.startsWith('gemini-lsp.'));
  if (installed.length === 0) throw new Error(`extension not installed into ${extDir}`);
  mark('extension_installed');

  const port = await freePort();
  const csLog = fs.openSync(path.join(args.out, 'code-server.log'), 'w');
  const cs = spawn(args.codeServer, [
    ...csCommon, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-proxy', '--disable-getting-started-override', ws,
  ], { env, detached: true, stdio: ['ignore', csLog, csLog] }); // detached: own process group (setsid)
  const killCs = () => {
    try { process.kill(-cs.pid, 'SIGTERM'); } catch { /* gone */ }
  };
  process.on('exit', killCs);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killCs(); process.exit(130); });

  let browser;
  let steps;
  let fatal;
  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, 30000, cs);
    mark('code_server_ready');
    const profile = fs.mkdtempSync(path.join(tmp, 'chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: args.chromium,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    mark('browser_launched');
    const page = browser.pages()[0] ?? (await browser.newPage());
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300)); });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 30000 });
    mark('workbench_visible');
    steps = new Steps(page, args.out, t0);
    const T = args.timeoutMs;

    // 1. diagnostics: squiggle + Problems entry
    await steps.run('diagnostic', async () => {
      await openFile(page, 'bad.gemini.json', T);
      await squiggles(page).first().waitFor({ state: 'visible', timeout: T });
      mark('first_squiggle');
      const mode = (await page.locator('#status\\.editor\\.mode').innerText({ timeout: 5000 }).catch(() => '')).trim();
      if (!/Gemini Request/.test(mode)) throw new Error(`language mode in the status bar: ${JSON.stringify(mode)}`);
      const problem = await waitForProblem(page, /Unknown name "content"/, T);
      await steps.shot('01-diagnostic');
      if (!/GL101/.test(problem.row)) throw new Error(`Problems row lacks the code GL101: ${problem.row}`);
      if (!/gemini-lsp/.test(problem.row)) throw new Error(`Problems row lacks the source gemini-lsp: ${problem.row}`);
      if (!/\[Ln 2, Col 3\]/.test(problem.row)) throw new Error(`Problems row not at Ln 2, Col 3: ${problem.row}`);
      return { languageMode: mode, problem: problem.row };
    });

    // 2. quick fix from the Ctrl+. menu clears it
    await steps.run('quick_fix', async () => {
      await goTo(page, 2, 5);
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget');
      await menu.waitFor({ state: 'visible', timeout: T });
      const item = menu.locator('.monaco-list-row', { hasText: "Rename to 'contents'" }).first();
      await item.waitFor({ state: 'visible', timeout: T });
      const items = (await menu.locator('.monaco-list-row').allInnerTexts()).map((t) => t.trim());
      await steps.shot('02-quick-fix-menu');
      // the preferred fix is focused in the menu ("Enter to Apply"); otherwise click it
      if (/\bfocused\b/.test((await item.getAttribute('class')) ?? '')) await page.keyboard.press('Enter');
      else await item.click({ force: true });
      await squiggles(page).first().waitFor({ state: 'detached', timeout: T });
      const line2 = (await page.locator(`${EDITOR} .view-line`).nth(1).innerText()).replace(/\u00a0/g, ' ');
      if (!line2.includes('"contents"')) throw new Error(`line 2 after the fix: ${line2}`);
      await sleep(300);
      await steps.shot('03-fixed');
      await runCommand(page, 'View: Revert and Close Editor');
      return { menu: items, line2: line2.trim() };
    });

    // 3. completion offers a model name inside the "model" string
    await steps.run('completion_model', async () => {
      await openFile(page, 'model.gemini.json', T);
      await goTo(page, 2, 13);
      await page.keyboard.type('gemini', { delay: 30 });
      const widget = page.locator('.editor-widget.suggest-widget');
      let autoPopup = true;
      try {
        await widget.waitFor({ state: 'visible', timeout: 4000 });
      } catch {
        autoPopup = false;
        await page.keyboard.press('Control+Space');
        await widget.waitFor({ state: 'visible', timeout: T });
      }
      const row = widget.locator('.monaco-list-row', { hasText: /gemini-\d/ }).first();
      await row.waitFor({ state: 'visible', timeout: T });
      const labels = (await widget.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      await steps.shot('04-completion');
      await page.keyboard.press('Escape');
      return { autoPopup, labels: labels.slice(0, 12) };
    });

    // 4. hover shows the field documentation
    await steps.run('hover', async () => {
      await goTo(page, 3, 6); // on "contents"
      await page.keyboard.press('Control+k');
      await page.keyboard.press('Control+i');
      const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents').first();
      await hover.waitFor({ state: 'visible', timeout: T });
      await sleep(200);
      const text = (await page.locator('.monaco-hover:not(.hidden)').first().innerText()).trim();
      await steps.shot('05-hover');
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Revert and Close Editor');
      if (!/contents/i.test(text) || text.length < 20) throw new Error(`hover text: ${JSON.stringify(text)}`);
      return { text: text.slice(0, 400) };
    });

    // 5. a settings change (the model) changes the diagnostics without a restart
    await steps.run('settings_model', async () => {
      await openFile(page, 'thinking.gemini.json', T);
      const before = await statusItemText(page);
      await sleep(1500); // let the first diagnostics arrive
      const errorsBefore = await squiggles(page).count();
      if (errorsBefore !== 0) throw new Error(`thinking.gemini.json has ${errorsBefore} errors before a model is set`);
      // through the status bar quick pick
      await before.item.click();
      const qp = page.locator('.quick-input-widget');
      await qp.locator('.monaco-list-row', { hasText: 'Model' }).first().waitFor({ state: 'visible', timeout: T });
      await qp.locator('.monaco-list-row', { hasText: 'Model' }).first().click();
      await qp.locator('input').fill('gemini-3.1-pro-preview');
      await sleep(300);
      await steps.shot('06a-model-quick-pick');
      await page.keyboard.press('Enter');
      await qp.waitFor({ state: 'hidden', timeout: T });
      await squiggles(page).first().waitFor({ state: 'visible', timeout: T });
      const problem = await waitForProblem(page, /GL\d+\)? ?\[Ln 6, Col \d+\]/, T);
      let after = await statusItemText(page);
      for (let i = 0; i < 20 && !after.text.includes('gemini-3.1-pro-preview'); i++) { await sleep(200); after = await statusItemText(page); }
      await steps.shot('06-model-setting');
      const wsSettings = JSON.parse(fs.readFileSync(path.join(ws, '.vscode', 'settings.json'), 'utf8'));
      if (wsSettings['geminiLsp.model'] !== 'gemini-3.1-pro-preview') throw new Error(`workspace settings: ${JSON.stringify(wsSettings)}`);
      if (!after.text.includes('gemini-3.1-pro-preview')) throw new Error(`status bar after the change: ${after.text}`);
      // through a settings.json edit on disk: unset the model again, the error goes away
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), '{}\n');
      await squiggles(page).first().waitFor({ state: 'detached', timeout: T });
      return { statusBefore: before.text, statusAfter: after.text, problem: problem.row };
    });

    // a refactoring command (a code action of kind refactor.rewrite.gemini.strictJson) from the command palette
    await steps.run('refactor_strict_json', async () => {
      await openFile(page, 'lenient.gemini.json', T);
      await squiggles(page).first().waitFor({ state: 'visible', timeout: T });
      await runCommand(page, 'Gemini: Convert to Strict JSON');
      await squiggles(page).first().waitFor({ state: 'detached', timeout: T });
      await page.keyboard.press('Control+s');
      const file = path.join(ws, 'lenient.gemini.json');
      let text = '';
      for (let i = 0; i < 25; i++) {
        text = fs.readFileSync(file, 'utf8');
        if (text && !text.includes("'")) break; // (an empty read: the save is still writing)
        await sleep(200);
      }
      const parsed = JSON.parse(text); // throws when not strict JSON
      if (!Array.isArray(parsed.contents)) throw new Error(`unexpected result: ${text}`);
      return { text };
    });

    await steps.run('restart_command', async () => {
      await runCommand(page, 'Gemini: Restart Server');
      // the status item shows a spinner while the server restarts, then the API surface again
      let s = await statusItemText(page);
      for (let i = 0; i < 50 && !/Gemini API|Vertex AI/.test(s.text); i++) { await sleep(200); s = await statusItemText(page); }
      if (!/Gemini API|Vertex AI/.test(s.text)) throw new Error(`status bar after the restart: ${s.text}`);
      return { status: s.text };
    });

    // the picture for the README: a request with a problem, its quick fix menu, the Problems panel, the status bar
    await steps.run('readme_screenshot', async () => {
      fs.writeFileSync(path.join(ws, 'request.gemini.json'), fs.readFileSync(path.join(here, 'fixtures', 'readme.gemini.json')));
      await openFile(page, 'request.gemini.json', T);
      await squiggles(page).first().waitFor({ state: 'visible', timeout: T });
      const problem = await waitForProblem(page, /Unknown name "content"/, T);
      await goTo(page, 6, 6);
      await page.keyboard.press('Control+.');
      await page.locator('.action-widget .monaco-list-row', { hasText: "Rename to 'contents'" }).first().waitFor({ state: 'visible', timeout: T });
      await sleep(400);
      await steps.shot('07-readme');
      await page.keyboard.press('Escape');
      return { problem: problem.row };
    });

    // Send: the key stored through the command (secret storage -> the server's environment), the Send code lens, the
    // answer in a read-only document beside the file, the API's squiggle at the mapped field
    if (args.sendBaseUrl) {
      await steps.run('send_answer', async () => {
        await runCommand(page, 'Gemini: Set API Key');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 5000 });
        await input.fill(args.sendKey);
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
        await page.locator('.notifications-toasts .notification-toast', { hasText: 'API key stored' }).first()
          .waitFor({ state: 'visible', timeout: T });
        fs.writeFileSync(path.join(ws, 'send.gemini.json'), fs.readFileSync(args.sendFixture));
        await openFile(page, 'send.gemini.json', T);
        const lens = page.locator(`${EDITOR} .codelens-decoration a`, { hasText: 'Send' }).first();
        await lens.waitFor({ state: 'visible', timeout: T });
        const lenses = (await page.locator(`${EDITOR} .codelens-decoration`).first().innerText()).replace(/\s+/g, ' ').trim();
        await lens.click();
        const answer = page.locator('.monaco-editor[data-uri^="gemini-answer:"]').first();
        await answer.waitFor({ state: 'visible', timeout: T });
        let answerText = '';
        for (let i = 0; i < 100 && !/HTTP 400/.test(answerText); i++) {
          answerText = (await answer.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
          await sleep(100);
        }
        if (!/HTTP 400/.test(answerText)) throw new Error(`answer document: ${answerText.slice(0, 300)}`);
        if (!/INVALID_ARGUMENT/.test(answerText)) throw new Error(`answer document lacks the API's JSON: ${answerText.slice(0, 300)}`);
        if (args.sendKey && answerText.includes(args.sendKey)) throw new Error('the key is shown in the answer');
        const problem = await waitForProblem(page, /Invalid value at .*any_of\[1\]\.type.*gemini-api/, T);
        await squiggles(page).first().waitFor({ state: 'visible', timeout: T });
        await steps.shot('10-send-answer');
        // the squiggle sits on the mapped field: hover there shows the API's words
        const m = /\[Ln (\d+), Col (\d+)\]/.exec(problem.row);
        if (!m) throw new Error(`no position in the Problems row: ${problem.row}`);
        await page.locator(`${EDITOR} .view-lines`).first().click();
        await goTo(page, Number(m[1]), Number(m[2]) + 1);
        await page.keyboard.press('Control+k');
        await page.keyboard.press('Control+i');
        const hover = page.locator('.monaco-hover:not(.hidden)').first();
        await hover.waitFor({ state: 'visible', timeout: T });
        await sleep(300);
        const hoverText = (await hover.innerText()).replace(/\s+/g, ' ').trim();
        await steps.shot('11-api-squiggle');
        await page.keyboard.press('Escape');
        // Stream: the text grows in the answer document as it arrives; success clears the API's squiggle
        await page.keyboard.press('Control+Home'); // the lenses sit above the first line
        await sleep(300);
        await page.locator(`${EDITOR} .codelens-decoration a`, { hasText: 'Stream' }).first().click();
        const streamDoc = page.locator('.monaco-editor[data-uri*="stream.jsonc"]').first();
        await streamDoc.waitFor({ state: 'visible', timeout: T });
        const seen = [];
        let streamText = '';
        for (let i = 0; i < 150 && !/HTTP 200/.test(streamText); i++) {
          streamText = (await streamDoc.locator('.view-lines').innerText().catch(() => '')).replace(/\u00a0/g, ' ');
          if (seen[seen.length - 1] !== streamText) seen.push(streamText);
          await sleep(50);
        }
        if (!/HTTP 200/.test(streamText) || !/Hello from the stand-in\./.test(streamText)) {
          throw new Error(`stream document: ${streamText.slice(0, 300)}`);
        }
        const partial = seen.some((t) => /streaming…/.test(t) && !/stand-in\./.test(t));
        await squiggles(page).first().waitFor({ state: 'detached', timeout: T });
        await steps.shot('12-stream-answer');
        return { lenses, answer: answerText.slice(0, 600), problem: problem.row, hover: hoverText.slice(0, 400),
          stream: streamText.slice(0, 400), streamGrew: partial, streamStates: seen.length };
      });
    }

    // the .vsix carries the server's dependencies: a Python without pygls (and without jsonschema) runs it
    if (args.barePython) {
      await steps.run('bundled_deps_python', async () => {
        fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'),
          JSON.stringify({ 'geminiLsp.server.python': args.barePython }, null, 2));
        await sleep(1500); // the extension restarts the server on this change
        let s = await statusItemText(page);
        for (let i = 0; i < 50 && !/Gemini API|Vertex AI/.test(s.text); i++) { await sleep(200); s = await statusItemText(page); }
        const procs = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n')
          .filter((l) => l.startsWith(`${args.barePython} -m gemini_lsp serve --stdio`));
        if (procs.length === 0) throw new Error(`no server process runs on ${args.barePython}`);
        // a file opened only now gets its diagnostics from the new server
        fs.writeFileSync(path.join(ws, 'bare.gemini.json'), fs.readFileSync(path.join(ws, 'bad.gemini.json')));
        await openFile(page, 'bare.gemini.json', T);
        await squiggles(page).first().waitFor({ state: 'visible', timeout: T });
        const problem = await waitForProblem(page, /GL101.*\[Ln 2, Col 3\]/, T);
        return { process: procs[0], problem: problem.row };
      });
    }

    // an unusable Python gives one clear error with actions, and no restart loop
    await steps.run('no_python', async () => {
      // a workspace setting (the scope of geminiLsp.server.python is machine-overridable)
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'),
        JSON.stringify({ 'geminiLsp.server.python': path.join(tmp, 'no-such-python') }, null, 2));
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'geminiLsp.server.python' });
      await toast.first().waitFor({ state: 'visible', timeout: T });
      await sleep(3000); // a restart loop would show more messages by now
      const count = await toast.count();
      const all = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
      const gemini = all.filter((t) => /Gemini/i.test(t));
      const text = (await toast.first().innerText()).replace(/\s+/g, ' ').trim();
      await steps.shot('08-no-python');
      if (count !== 1 || gemini.length !== 1) throw new Error(`expected one Gemini error, got ${JSON.stringify(all)}`);
      for (const action of ['Open Settings', 'Install Python']) {
        if (!text.includes(action)) throw new Error(`no "${action}" action in: ${text}`);
      }
      const status = await page.locator('.statusbar-item', { has: page.locator('.codicon-error') }).filter({ hasText: 'Gemini' }).count();
      await toast.first().getByRole('button', { name: 'Open Settings' }).click();
      await page.locator('.settings-editor').first().waitFor({ state: 'visible', timeout: T });
      const search = await page.locator('.settings-editor .suggest-input-container .view-line').first().innerText().catch(() => '');
      return { message: text, errorStatusItems: status, settingsSearch: search.replace(/\u00a0/g, ' ').trim() };
    });
    // a server that dies at start-up: one error, no restart loop
    await steps.run('server_crash', async () => {
      const crash = path.join(tmp, 'crashing-gemini-lsp');
      fs.writeFileSync(crash, '#!/bin/sh\necho "gemini-lsp: simulated start-up failure" >&2\nexit 3\n', { mode: 0o755 });
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'geminiLsp.server.path': crash }, null, 2));
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'did not start' });
      await toast.first().waitFor({ state: 'visible', timeout: T });
      await sleep(4000); // a restart loop would start it again and again by now
      const count = await toast.count();
      const text = (await toast.first().innerText()).replace(/\s+/g, ' ').trim();
      await steps.shot('09-server-crash');
      if (count !== 1) throw new Error(`expected one "did not start" error, got ${count}`);
      return { message: text };
    });
    mark('steps_done');
    if (consoleErrors.length > 0) fs.writeFileSync(path.join(args.out, 'browser-console-errors.txt'), consoleErrors.join('\n'));
  } catch (e) {
    fatal = String(e && e.stack ? e.stack : e);
    console.error(`[e2e] fatal: ${fatal}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    killCs();
    await sleep(300);
    if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
  mark('total');
  const stepResults = steps ? steps.results : [];
  const result = {
    ok: !fatal && stepResults.length > 0 && stepResults.every((s) => s.ok),
    fatal: fatal ?? null,
    steps: stepResults,
    screenshots: steps ? steps.screenshots : [],
    timings_ms: timings,
    code_server_log: path.join(args.out, 'code-server.log'),
    tmp: args.keep ? tmp : null,
  };
  const json = JSON.stringify(result);
  if (args.result) fs.writeFileSync(args.result, JSON.stringify(result, null, 2));
  console.log(json);
  return result.ok ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.log(JSON.stringify({ ok: false, setup_error: String(e && e.stack ? e.stack : e) }));
  process.exit(2);
});
