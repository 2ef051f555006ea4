// Screenshots of the report for docs/review.md, taken in headless Chromium (SUCCESSION_CHROMIUM,
// else chromium on PATH): the example repository at desktop and at phone width, and the example
// change against it. docs/report-example.sha256 records, per picture, the command and the sha256
// of the HTML it shows: test/review-report/docs.test.ts runs the commands again and fails when a
// page has changed since, so that the pictures stay true.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const EXAMPLE = ['--no-config'];
const CHANGE = ['test/diff/fixtures/proposed', '--base', 'policies', '--topology', 'policies/topology.json', '--no-config'];
const SHOTS = [
  { png: 'report-example.png', args: EXAMPLE, viewport: { width: 1280, height: 800 } },
  { png: 'report-example-phone.png', args: EXAMPLE, viewport: { width: 390, height: 844 } },
  { png: 'report-change.png', args: CHANGE, viewport: { width: 1280, height: 800 } },
];

const which = spawnSync('sh', ['-c', 'command -v "$0"', process.env.SUCCESSION_CHROMIUM ?? 'chromium'], { encoding: 'utf8' });
if (which.status !== 0) {
  console.error('docs:screenshot: chromium not found: apt-get install chromium, or set SUCCESSION_CHROMIUM');
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), 'succession-docs-report-'));
const browser = await chromium.launch({
  executablePath: which.stdout.trim(),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const lines = [];
try {
  for (const shot of SHOTS) {
    const dir = join(out, shot.png);
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/bin/cli/main.js'), 'report', ...shot.args, '--out', dir], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`succession report ${shot.args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
    const file = join(dir, 'index.html');
    const page = await browser.newPage({ viewport: shot.viewport, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.screenshot({ path: join(ROOT, 'docs', shot.png), fullPage: true });
    await page.close();
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    lines.push(`${sha}  docs/${shot.png}  succession report ${shot.args.join(' ')} --out DIR`);
  }
} finally {
  await browser.close();
  rmSync(out, { recursive: true, force: true });
}
writeFileSync(join(ROOT, 'docs/report-example.sha256'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
