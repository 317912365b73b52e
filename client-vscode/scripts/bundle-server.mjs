#!/usr/bin/env node
// Copies the Python language server and its pure-Python dependencies into client-vscode/server/ so that the
// .vsix carries everything it needs except a Python >= 3.10 interpreter:
//   server/gemini_lsp/            <- ../server/gemini_lsp (without __pycache__)
//   server/gemini_lsp/schemas/    <- ../schemas (*.json, README.md, generated/**)  (package gemini_lsp.schemas)
//   server/lib/                   <- pip install --target --no-deps of the pinned pure-Python dependencies
// The extension runs `python -m gemini_lsp serve --stdio` with PYTHONPATH=server:server/lib.
// The bundle runs exactly the checks the CLI runs, so jsonschema (GL115, meta-validation of user-written JSON
// Schemas) is bundled too. Its dependency chain jsonschema -> referencing -> rpds-py ends in a compiled extension,
// and the .vsix is universal: instead of rpds-py the bundle carries pyrsistent-as-rpds-py (a published, pure-Python
// implementation of the rpds-py API that jsonschema uses, on top of pyrsistent's pure-Python wheel) and a
// two-line `rpds` module that re-exports it. tests/test_bundle.py runs the bundled server on a Python without
// site-packages and compares its diagnostics with `gemini-lsp check` over the whole corpus.
//
// Environment: PYTHON (default: python3) is the pip used to fetch the dependencies (it needs PyPI or a
// configured index; pip's cache makes repeated runs fast). GEMINI_LSP_BUNDLE_OUT (default: client-vscode/server)
// is the output folder.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.dirname(here);
const out = process.env.GEMINI_LSP_BUNDLE_OUT ? path.resolve(process.env.GEMINI_LSP_BUNDLE_OUT) : path.join(here, 'server');

// Pure-Python wheels only (py3-none-any). pygls 2.1.1 requires attrs>=24.3 and cattrs>=23.1.2; lsprotocol 2025.0.0 requires
// attrs>=21.3.0 and cattrs!=23.2.1; cattrs 26 requires attrs>=25.4 and typing-extensions>=4.14;
// exceptiongroup is only used on Python < 3.11. jsonschema 4.26.0 requires attrs>=22.2, jsonschema-specifications
// >=2023.03.6, referencing>=0.28.4 and rpds-py>=0.25 (replaced, see above); referencing 0.37.0 requires attrs>=22.2,
// rpds-py>=0.7.0 and typing-extensions>=4.4 (Python < 3.13); pyrsistent-as-rpds-py 2.1.0 needs pyrsistent.
// Keep jsonschema's version the one pyproject.toml resolves to, so that GL115's messages are the CLI's.
// pathspec 1.1.1 (gemini_lsp.file_walk, .gitignore rules) has no required dependencies. Every runtime dependency
// of pyproject.toml must be here: tests/test_bundle.py checks it and starts the bundled server without site-packages.
// httpx 0.28 requires anyio, certifi, httpcore, idna; httpcore h11;
// anyio 4.16 idna and typing_extensions.
export const PY_DEPS = [
  'pygls==2.1.1',
  'lsprotocol==2025.0.0',
  'cattrs==26.2.1',
  'attrs==26.1.0',
  'typing_extensions==4.16.0',
  'exceptiongroup==1.3.1',
  'jsonschema==4.26.0',
  'jsonschema-specifications==2025.9.1',
  'referencing==0.37.0',
  'pyrsistent-as-rpds-py==2.1.0',
  'pyrsistent==0.20.0',
  // sending (gemini_lsp.sending, imported only when the user sends): httpx and its pure-Python dependencies
  'httpx==0.28.1',
  'httpcore==1.0.9',
  'h11==0.16.0',
  'anyio==4.16.0',
  'idna==3.20',
  'certifi==2026.10.19.post1',
  'pathspec==1.1.1',
];

// The `rpds` module jsonschema and referencing import, as pyrsistent-as-rpds-py's README describes (its
// "fake_rpds" package): the pure-Python implementation under the name of the compiled one.
const RPDS_SHIM = `"""rpds-py's API, pure Python: pyrsistent-as-rpds-py (bundled by client-vscode/scripts/bundle-server.mjs)."""
from pyrsistent_as_rpds.pure import *  # noqa: F401,F403

is_pure_pyrsistent_as_rpds = True
`;

function copyTree(src, dst, filter = () => true) {
  fs.mkdirSync(dst, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, entry.name);
    const d = path.join(dst, entry.name);
    if (!filter(s, entry)) continue;
    if (entry.isDirectory()) copyTree(s, d, filter);
    else if (entry.isFile()) fs.copyFileSync(s, d);
  }
}

const noCache = (_s, entry) => entry.name !== '__pycache__' && !entry.name.endsWith('.pyc');

const t0 = Date.now();
fs.rmSync(out, { recursive: true, force: true });

// 1. the server package
const pkgSrc = path.join(repo, 'server', 'gemini_lsp');
if (!fs.existsSync(path.join(pkgSrc, '__init__.py'))) {
  console.error(`bundle-server: ${pkgSrc} is missing`);
  process.exit(1);
}
const pkgOut = path.join(out, 'gemini_lsp');
copyTree(pkgSrc, pkgOut, noCache);

// 2. gemini_lsp.schemas <- schemas/ (the same files pyproject.toml installs as package data)
const schemasSrc = path.join(repo, 'schemas');
const schemasOut = path.join(pkgOut, 'schemas');
fs.mkdirSync(schemasOut, { recursive: true });
if (!fs.existsSync(path.join(schemasOut, '__init__.py'))) fs.writeFileSync(path.join(schemasOut, '__init__.py'), '');
if (fs.existsSync(schemasSrc)) {
  for (const entry of fs.readdirSync(schemasSrc, { withFileTypes: true })) {
    const s = path.join(schemasSrc, entry.name);
    if (entry.isFile() && (entry.name.endsWith('.json') || entry.name === 'README.md' || entry.name === '__init__.py')) {
      fs.copyFileSync(s, path.join(schemasOut, entry.name));
    } else if (entry.isDirectory() && entry.name === 'generated') {
      copyTree(s, path.join(schemasOut, 'generated'), (p, e) => noCache(p, e) && (e.isDirectory() || e.name.endsWith('.json')));
    }
  }
}

// 3. (the rule documentation is rendered by the server from its rule declarations when first linked)

// 4. pure-Python dependencies
const python = process.env.PYTHON || 'python3';
const lib = path.join(out, 'lib');
execFileSync(
  python,
  ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-compile', '--no-deps',
   '--only-binary=:all:', '--python-version', '3.10', '--implementation', 'py', '--abi', 'none',
   '--platform', 'any', '--target', lib, ...PY_DEPS],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
// Only pure-Python code may ship in a universal .vsix.
const compiled = [];
(function scan(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) scan(p);
    else if (/\.(so|pyd|dylib|dll)$/.test(e.name)) compiled.push(p);
  }
})(lib);
if (compiled.length > 0) {
  console.error(`bundle-server: compiled files in server/lib: ${compiled.join(', ')}`);
  process.exit(1);
}
fs.rmSync(path.join(lib, 'bin'), { recursive: true, force: true });
fs.mkdirSync(path.join(lib, 'rpds'), { recursive: true });
fs.writeFileSync(path.join(lib, 'rpds', '__init__.py'), RPDS_SHIM);

let files = 0;
let bytes = 0;
(function count(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) count(p);
    else { files += 1; bytes += fs.statSync(p).size; }
  }
})(out);
console.log(`bundled the server into ${path.relative(here, out)}/: ${files} files, ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - t0} ms`);
