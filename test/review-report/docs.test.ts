import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from '../cli/helpers.js';

// The screenshots in docs/review.md show the page the report makes today: each was taken from a
// page whose sha256 docs/report-example.sha256 records with the command that made it.

const RECORD = readFileSync(join(ROOT, 'docs/report-example.sha256'), 'utf8').trim().split('\n');

describe('the report screenshots in docs/review.md', () => {
  for (const line of RECORD) {
    const m = /^([0-9a-f]{64}) {2}(docs\/\S+\.png) {2}succession (report .*) --out DIR$/.exec(line);
    it(`${m?.[2] ?? line} is of the page its command makes now`, () => {
      expect(m, `malformed line in docs/report-example.sha256: ${line}`).not.toBeNull();
      const [, sha, png, command] = m!;
      const out = mkdtempSync(join(tmpdir(), 'succession-docs-check-'));
      try {
        const r = run([...command!.split(' '), '--out', out]);
        expect(r.status).toBe(0);
        const now = createHash('sha256').update(readFileSync(join(out, 'index.html'))).digest('hex');
        expect(now, `the report page changed since ${png} was taken: run npm run docs:screenshot and commit the pictures`).toBe(sha);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      const img = PNG.sync.read(readFileSync(join(ROOT, png!)));
      expect(img.width).toBe(png!.includes('phone') ? 390 : 1280);
      expect(img.height).toBeGreaterThan(800);
      expect(readFileSync(join(ROOT, 'docs/review.md'), 'utf8')).toContain(`](${png!.slice('docs/'.length)})`);
    });
  }
});
