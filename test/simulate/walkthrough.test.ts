import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import { steps } from '../cli/console-steps.js';

// docs/check-simulate.md shows real output: every `$ succession …` line of its console blocks is run
// against the built CLI and must print exactly what follows it; `$ echo $?` gives the exit status.

const DOC = fileURLToPath(new URL('../../docs/check-simulate.md', import.meta.url));

describe('docs/check-simulate.md', () => {
  const all = steps(readFileSync(DOC, 'utf8'));

  it('shows commands', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.every((s) => s.command.startsWith('succession '))).toBe(true);
  });

  for (const step of all) {
    it(step.command, () => {
      const r = run(step.command.split(' ').slice(1), { env: { NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      expect(r.stdout.replace(/\n$/, '')).toBe(step.output);
      if (step.status !== undefined) expect(r.status).toBe(step.status);
      else expect(r.status).toBe(0);
    });
  }
});
