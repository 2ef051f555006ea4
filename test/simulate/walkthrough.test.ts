import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';

// docs/check-simulate.md shows real output: every `$ succession …` line of its console blocks is run
// against the built CLI and must print exactly what follows it; `$ echo $?` gives the exit status.

const DOC = fileURLToPath(new URL('../../docs/check-simulate.md', import.meta.url));

interface Step {
  command: string;
  output: string;
  status?: number;
}

function steps(markdown: string): Step[] {
  const out: Step[] = [];
  for (const m of markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    let current: { command: string; lines: string[] } | undefined;
    const flush = () => {
      if (current) out.push({ command: current.command, output: current.lines.join('\n') });
      current = undefined;
    };
    const lines = m[1]!.replace(/\n$/, '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line === '$ echo $?') {
        flush();
        out[out.length - 1]!.status = Number(lines[++i]);
      } else if (line.startsWith('$ ')) {
        flush();
        current = { command: line.slice(2), lines: [] };
      } else {
        current?.lines.push(line);
      }
    }
    flush();
  }
  return out;
}

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
