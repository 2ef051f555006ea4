import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../dist/bin/cli/main.js', import.meta.url));

/** `generateFleet(dir, n)` from the benchmark: a realistic repository of n clusters that lints clean. */
export async function generateFleet(dir: string, clusters: number): Promise<void> {
  const bench = (await import(new URL('../../bench/generate.mjs', import.meta.url).href)) as { generateFleet: (dir: string, count: number) => void };
  bench.generateFleet(dir, clusters);
}

export function tempDir(name: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `succession-${name}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Every file under `dir` by `/`-separated relative path, with its bytes. */
export function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(relative(dir, full).split(sep).join('/'), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { uid?: number; gid?: number } = {}): Run {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts the CLI and SIGKILLs it `offsetMs` after a file whose name matches `trigger` first
 * appears in `watchDir` (the build's first temporary file); resolves when it has exited.
 */
export function runAndKillOnWrite(args: string[], watchDir: string, trigger: RegExp, offsetMs: number): Promise<{ killed: boolean; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let armed = false;
    let timer: NodeJS.Timeout | undefined;
    const watcher = watch(watchDir, (_event, name) => {
      if (armed || name === null || !trigger.test(name)) return;
      armed = true;
      timer = setTimeout(() => child.kill('SIGKILL'), offsetMs);
    });
    child.once('error', reject);
    child.once('exit', (status, signal) => {
      watcher.close();
      clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', status });
    });
  });
}

/** A stack frame as Node prints it (`    at f (file.js:1:2)`): must never reach a user. */
export const STACK_FRAME = /^\s+at .+(:[0-9]+:[0-9]+\)?|\(native\))$/m;
