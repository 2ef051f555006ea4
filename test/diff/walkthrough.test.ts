import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { steps } from '../cli/console-steps.js';
import { run } from '../cli/helpers.js';

// docs/review.md shows real output: every `$ succession …` line of its console blocks is run
// against the built CLI and must print exactly what follows it; `$ echo $?` gives the exit status.

const DOC = fileURLToPath(new URL('../../docs/review.md', import.meta.url));

describe('docs/review.md', () => {
  const all = steps(readFileSync(DOC, 'utf8'));

  it('shows the stylish and the markdown report', () => {
    expect(all.map((s) => s.command)).toEqual([
      'succession diff policies test/diff/fixtures/proposed --fail-on-change successor',
      'succession diff policies test/diff/fixtures/proposed -f markdown',
    ]);
  });

  for (const step of all) {
    it(step.command, () => {
      const r = run(step.command.split(' ').slice(1), { env: { NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      expect(r.stdout.replace(/\n$/, '')).toBe(step.output);
      expect(r.status).toBe(step.status ?? 0);
    });
  }
});
