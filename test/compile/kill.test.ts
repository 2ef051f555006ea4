import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FLEET, ROOT, cluster } from './helpers.js';

// A build killed with SIGKILL at any moment leaves every generated file whole: the old bytes or
// the new ones, never a mix inside a file. The next build finishes the job and removes the
// temporary files the killed one left.
const BIN = join(ROOT, 'dist/bin/cli/main.js');
const CLUSTERS = 80;
const dir = mkdtempSync(join(tmpdir(), 'succession-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writePolicies(blacklisted: string): void {
  mkdirSync(join(dir, 'policies'), { recursive: true });
  writeFileSync(join(dir, 'policies/fleet.yaml'), FLEET);
  for (let i = 0; i < CLUSTERS; i++) {
    const name = `k${i}`;
    writeFileSync(join(dir, `policies/${name}.yaml`), cluster(name, i + 1, `candidates: { blacklist: [${name}-${blacklisted}:3306] }\n`));
  }
}

function build(out: string): void {
  const r = spawnSync(process.execPath, [BIN, 'build', 'policies', '--out', out, '-q'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

function files(root: string): Map<string, string> {
  return new Map(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name).slice(root.length + 1), readFileSync(join(e.parentPath, e.name), 'utf8')] as const),
  );
}

const TEMP = /^\..*\.succession-[0-9]+\.tmp$/;

function hasTemp(root: string): boolean {
  return readdirSync(root, { recursive: true }).some((p) => TEMP.test(basename(String(p))));
}

/** Starts a build over `out` and kills it after `ms`, or as soon as it has written a temporary file. */
function killBuild(when: { ms: number } | 'writing'): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'build', 'policies', '--out', 'out', '-q'], { cwd: dir, stdio: 'ignore' });
    const kill = () => child.kill('SIGKILL');
    const timer = when === 'writing' ? setInterval(() => hasTemp(join(dir, 'out')) && kill(), 2) : setTimeout(kill, when.ms);
    child.on('exit', () => {
      clearInterval(timer);
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('a build killed with SIGKILL', () => {
  it('leaves each file old or new, and the next build completes and cleans up', { timeout: 180_000 }, async () => {
    writePolicies('3');
    build('old');
    writePolicies('4');
    build('new');
    const before = files(join(dir, 'old'));
    const after = files(join(dir, 'new'));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const changed = [...after].filter(([p, c]) => before.get(p) !== c).length;
    expect(changed).toBeGreaterThan(CLUSTERS * 3);

    // why: the kill must land in every phase (lint, compile, writing temporary files, renaming):
    // every other build is killed once it has begun writing, the rest after delays spread over
    // one measured build; each starts again from the old tree.
    const reset = () => {
      rmSync(join(dir, 'out'), { recursive: true, force: true });
      cpSync(join(dir, 'old'), join(dir, 'out'), { recursive: true });
    };
    reset();
    const started = performance.now();
    build('out');
    const duration = performance.now() - started;
    let interrupted = 0;
    for (let i = 0; i < 10; i++) {
      reset();
      await killBuild(i % 2 === 0 ? 'writing' : { ms: duration * (0.2 + (0.9 * i) / 9) });
      let fresh = 0;
      let temps = 0;
      for (const [path, content] of files(join(dir, 'out'))) {
        if (TEMP.test(basename(path))) {
          temps += 1;
          continue;
        }
        expect(content === before.get(path) || content === after.get(path), path).toBe(true);
        if (content !== before.get(path)) fresh += 1;
      }
      if (temps > 0 || (fresh > 0 && fresh < changed)) interrupted += 1;
    }
    expect(interrupted, 'no kill landed while files were being written').toBeGreaterThan(0);
    build('out');
    expect(files(join(dir, 'out'))).toEqual(after);
  });
});
