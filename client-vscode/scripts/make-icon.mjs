// Renders images/icon.svg to images/icon.png (128x128, transparent corners) with headless Chromium.
// Run once after changing the SVG: node scripts/make-icon.mjs   (CHROMIUM_BIN, default /usr/bin/chromium)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const svg = fs.readFileSync(path.join(root, 'images', 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
await page.locator('svg').screenshot({ path: path.join(root, 'images', 'icon.png'), omitBackground: true });
await browser.close();
console.log('wrote images/icon.png');
