import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, STACK_FRAME, runCli, tempDir } from './helpers.js';

const CLOSED = 'succession: cannot write standard output: the reader closed the pipe\n';

interface Closed {
  status: number | null;
  signal: NodeJS.Signals | null;
  received: number;
  stderr: string;
}

/** Runs the CLI with stdout read by a reader that closes the pipe after the first line. */
function readFirstLineThenClose(args: string[]): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let received = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (chunk.includes(0x0a)) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, received, stderr }));
  });
}

/**
 * Output on a pipe the reader closed early (`succession lint … | head -1`): the rest of the output
 * is lost, which the process says in one line on stderr, with exit 2: not the exit code of the
 * findings (nobody read them all), no EPIPE error or stack trace.
 */
describe('output into a pipe closed by the reader', () => {
  const dir = tempDir('pipe');
  const repo = join(dir.path, 'policies');
  let fullJson = 0;
  let fullStylish = 0;

  beforeAll(() => {
    // 1,000 clusters with two errors each: several hundred KB of findings, far more than a pipe holds (64 KB),
    // and enough files for lint to use its worker threads.
    mkdirSync(repo);
    for (let i = 0; i < 1000; i++) {
      writeFileSync(
        join(repo, `c${i}.yaml`),
        `kind: cluster\nname: c${i}\nprimary: db-${i}-1\nhosts: { db-${i}-1: {}, db-${i}-2: {} }\ncandidates: { whitelist: [ghost-${i}] }\n`,
      );
    }
    const json = runCli(['lint', repo, '-f', 'json']);
    expect(json.status).toBe(1);
    expect(json.stderr).toBe('');
    fullJson = Buffer.byteLength(json.stdout);
    const stylish = runCli(['lint', repo]);
    expect(stylish.status).toBe(1);
    fullStylish = Buffer.byteLength(stylish.stdout);
    expect(Math.min(fullJson, fullStylish)).toBeGreaterThan(256 * 1024);
  }, 120_000);

  afterAll(() => dir.remove());

  for (const format of ['json', 'stylish'] as const) {
    it(`lint -f ${format}: exits 2 with one line on stderr`, { timeout: 60_000 }, async () => {
      const r = await readFirstLineThenClose(['lint', repo, '-f', format]);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stderr).not.toContain('EPIPE');
      expect(r.stderr).toBe(CLOSED);
      // The reader really left early: the rest of the output had nowhere to go.
      expect(r.received).toBeLessThan(format === 'json' ? fullJson : fullStylish);
    });
  }

  it('`succession lint … | head -1` in a shell: one line out, exit 2, one line on stderr', { timeout: 60_000 }, () => {
    const errFile = join(dir.path, 'stderr.txt');
    const script = `"${process.execPath}" "${BIN}" lint "${repo}" -f json 2>"${errFile}" | head -1; echo "status=\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('{\nstatus=2\n');
    expect(readFileSync(errFile, 'utf8')).toBe(CLOSED);
  });
});
