// Bundles the extension with esbuild into dist/extension.js (vscode is provided by the host).
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = !process.argv.includes('--dev');

await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'inline',
  logLevel: 'warning',
});
console.log(`built dist/extension.js (${production ? 'minified' : 'dev'})`);
