import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers.js';

function exec(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run build while the CLI runs', () => {
  it('swaps the new build in with one rename: every concurrent run sees a whole build, old or new', async () => {
    const before = readlinkSync(join(ROOT, 'dist'));
    let building = true;
    const build = exec(['scripts/build.mjs']).finally(() => (building = false));
    const runs: { status: number | null; stdout: string; stderr: string }[] = [];
    while (building) runs.push(await exec([BIN, 'lint', 'policies', '--format', 'json']));
    // One more run after the swap, on the new build.
    runs.push(await exec([BIN, 'lint', 'policies', '--format', 'json']));
    const built = await build;
    expect(built.status, built.stderr).toBe(0);
    expect(runs.length).toBeGreaterThan(2);
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).findings).toEqual([]);
    }
    expect(lstatSync(join(ROOT, 'dist')).isSymbolicLink()).toBe(true);
    const after = readlinkSync(join(ROOT, 'dist'));
    expect(after).not.toBe(before);
    // why: a run that started on the previous build may still load its chunks; that build stays.
    expect(existsSync(join(ROOT, before, 'bin/cli/main.js'))).toBe(true);
  }, 120_000);
});
