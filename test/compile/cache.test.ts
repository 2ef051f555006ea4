import { cpSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, type CacheKey } from '../../src/compile/build-cache.js';
import { FLEET, cluster, copyExample, fileTree, runBuilt, runKilledAfter, tempDirs } from './helpers.js';

// The build cache (--cache): a build with it reports and writes exactly what a build without it
// does; it only skips parsing and compiling the policies it holds unchanged.

const run = runBuilt;
const tmp = tempDirs('succession-cache-');
const tree = fileTree;

/** A copy of the example repository in a temporary directory. */
const exampleCopy = () => copyExample(tmp());

/** How many policy files the build took from the cache, out of how many. */
function hits(stderr: string): [number, number] | undefined {
  const m = /([0-9]+) of ([0-9]+) policy file\(s\) unchanged since the cached build/.exec(stderr);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const edit = (file: string, from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));

describe('succession build --cache', () => {
  it('takes unchanged policies from the cache and reports and writes what a build without it does', () => {
    const d = exampleCopy();
    const plain = run(['build', 'policies', '--out', 'plain', '--format', 'json', '--verbose'], d);
    const first = run(['build', 'policies', '--out', 'out', '--cache', '--format', 'json', '--verbose'], d);
    expect(hits(first.stderr)).toEqual([0, 3]);
    const second = run(['build', 'policies', '--out', 'out', '--cache', '--format', 'json', '--verbose'], d);
    expect(hits(second.stderr)).toEqual([3, 3]);
    expect(second.stderr).toContain('wrote 0 file(s), 10 unchanged');
    const findings = (s: string) => JSON.stringify((JSON.parse(s) as { findings: unknown }).findings);
    expect(findings(second.stdout)).toEqual(findings(plain.stdout));
    expect(findings(first.stdout)).toEqual(findings(plain.stdout));
    expect(second.code).toBe(plain.code);
    expect(tree(join(d, 'out'))).toEqual(tree(join(d, 'plain')));
    expect(statSync(join(d, '.successioncache')).isFile()).toBe(true);
  });

  it('parses and rewrites only the changed policy, and --check with the cache sees the change', () => {
    const d = exampleCopy();
    run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    const shop = join(d, 'policies/clusters/shop.yaml');
    edit(shop, 'description: Web shop orders and payments', 'description: Web shop orders');
    const check = run(['build', 'policies', '--out', 'out', '--cache', '--check', '-q'], d);
    expect(check.code).toBe(1);
    expect(hits(check.stderr)).toEqual([2, 3]);
    expect(check.stderr).toContain('out/cmon/cmon_1.cnf');
    const inodes = () => new Map([...tree(join(d, 'out')).keys()].map((p) => [p, statSync(join(d, 'out', p)).ino] as const));
    const before = inodes();
    const rebuild = run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    expect(hits(rebuild.stderr)).toEqual([2, 3]);
    expect(rebuild.stderr).toContain('wrote 3 file(s), 7 unchanged');
    expect([...inodes()].filter(([p, t]) => t !== before.get(p)).map(([p]) => p).sort()).toEqual(['cmon/cmon_1.cnf', 'mha/shop.cnf', 'orchestrator/main/meta/shop.sql']);
    // why: the entries of the unchanged policies are carried into the cache the rebuild wrote.
    expect(hits(run(['build', 'policies', '--out', 'out', '--cache', '-q'], d).stderr)).toEqual([3, 3]);
    run(['build', 'policies', '--out', 'plain', '-q'], d);
    expect(tree(join(d, 'out'))).toEqual(tree(join(d, 'plain')));
  });

  it('starts afresh when the fleet file, the targets or the output directory change', () => {
    const d = exampleCopy();
    run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    expect(hits(run(['build', 'policies', '--out', 'out', '--cache', '-q'], d).stderr)).toEqual([3, 3]);
    expect(hits(run(['build', 'policies', '--out', 'out', '--cache', '--target', 'cmon,mha', '-q'], d).stderr)).toEqual([0, 3]);
    expect(hits(run(['build', 'policies', '--out', 'other', '--cache', '-q'], d).stderr)).toEqual([0, 3]);
    run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    edit(join(d, 'policies/fleet.yaml'), 'maxLagSeconds: 10', 'maxLagSeconds: 20');
    const changed = run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    expect(hits(changed.stderr)).toEqual([0, 3]);
    run(['build', 'policies', '--out', 'plain', '-q'], d);
    expect(tree(join(d, 'out'))).toEqual(tree(join(d, 'plain')));
  });

  it('keys the cache by the program, the targets, the output directory and every file that may be the fleet file', () => {
    const base: CacheKey = { program: 'succession 1', targets: ['cmon'], outDir: '/out', fleetInputs: [{ path: 'fleet.yaml', text: 'kind: fleet\n' }] };
    const key = cacheKey(base);
    expect(cacheKey({ ...base })).toBe(key);
    for (const other of [
      { ...base, program: 'succession 2' },
      { ...base, targets: ['cmon', 'mha'] },
      { ...base, outDir: '/other' },
      { ...base, fleetInputs: [{ path: 'fleet.yaml', text: 'kind: fleet\ndefaultPort: 3307\n' }] },
      { ...base, fleetInputs: [{ path: 'other.yaml', text: 'kind: fleet\n' }] },
    ]) {
      expect(cacheKey(other)).not.toBe(key);
    }
  });

  it('ignores a corrupt or foreign cache file, says so, and rewrites it', () => {
    const d = exampleCopy();
    run(['build', 'policies', '--out', 'out', '--cache-location', 'c/cache', '-q'], d);
    const file = join(d, 'c/cache');
    const bytes = readFileSync(file);
    // why: a flipped byte deep in an entry still parses; only the checksum catches it.
    const flipped = Buffer.from(bytes);
    const at = flipped.indexOf('"cluster"') + 2;
    flipped[at] = flipped[at]! ^ 1;
    writeFileSync(file, flipped);
    const corrupt = run(['build', 'policies', '--out', 'out', '--cache-location', 'c/cache', '-q'], d);
    expect(corrupt.stderr).toContain('ignored the build cache c/cache: corrupt (its checksum does not match); it is rewritten.');
    expect(hits(corrupt.stderr)).toEqual([0, 3]);
    expect(corrupt.code).toBe(0);
    expect(hits(run(['build', 'policies', '--out', 'out', '--cache-location', 'c/cache', '-q'], d).stderr)).toEqual([3, 3]);
    writeFileSync(file, '{"files": {}}\n');
    const foreign = run(['build', 'policies', '--out', 'out', '--cache-location', 'c/cache', '-q'], d);
    expect(foreign.stderr).toContain('ignored the build cache c/cache: not a succession build cache');
    expect(hits(foreign.stderr)).toEqual([0, 3]);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    expect(run(['build', 'policies', '--out', 'out', '--cache-location', 'c/cache', '-q'], d).stderr).toContain('corrupt');
  });

  it('finds a generated file edited by hand, even one whose size and mtime were kept', async () => {
    const d = exampleCopy();
    run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    // why: a file's stat is recorded only once it is older than the file system clock's tick
    // could hide (two seconds); the cached build after the wait trusts the stat, not the bytes.
    await new Promise((r) => setTimeout(r, 2100));
    expect(hits(run(['build', 'policies', '--out', 'out', '--cache', '-q'], d).stderr)).toEqual([3, 3]);
    const file = join(d, 'out/cmon/cmon_1.cnf');
    const st = statSync(file);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('cluster_id=1', 'cluster_id=7'));
    utimesSync(file, st.atime, st.mtime);
    expect(statSync(file).size).toBe(st.size);
    const check = run(['build', 'policies', '--out', 'out', '--cache', '--check', '-q', '--format', 'json'], d);
    expect(check.code).toBe(1);
    expect((JSON.parse(check.stdout) as { findings: { file: string; ruleId: string }[] }).findings.filter((f) => f.ruleId === 'build-drift').map((f) => f.file)).toEqual(['out/cmon/cmon_1.cnf']);
    const rebuild = run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    expect(rebuild.stderr).toContain('wrote 1 file(s), 9 unchanged');
    expect(readFileSync(file, 'utf8')).toBe(text);
    rmSync(file);
    expect(run(['build', 'policies', '--out', 'out', '--cache', '-q'], d).stderr).toContain('wrote 1 file(s), 9 unchanged');
  });

  it('serves a fresh checkout, whose files all have new stats, and records their stats for the next build', () => {
    const d = exampleCopy();
    run(['build', 'policies', '--out', 'out', '--cache', '-q'], d);
    // why: as a CI job that restores the cache file into a new checkout: every inode and time differs.
    for (const p of ['policies', 'out']) {
      cpSync(join(d, p), join(d, `${p}.copy`), { recursive: true });
      rmSync(join(d, p), { recursive: true });
      renameSync(join(d, `${p}.copy`), join(d, p));
    }
    // why: a stat from the last two seconds is not trusted (RACY_NS), and would not be recorded.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    const check = run(['build', 'policies', '--out', 'out', '--cache', '--check', '-q'], d);
    expect(check.code).toBe(0);
    expect(hits(check.stderr)).toEqual([3, 3]);
    const shop = join(d, 'policies/clusters/shop.yaml');
    const cache = readFileSync(join(d, '.successioncache'), 'utf8');
    const line = cache.split('\n').find((l) => l.startsWith(`E\t${JSON.stringify('policies/clusters/shop.yaml')}\t`))!;
    // why: the entry's stat (size:mtime:ctime:inode:device) is the new file's.
    expect(line.split('\t')[3]!.split(':')[3]).toBe(String(statSync(shop).ino));
    expect(hits(run(['build', 'policies', '--out', 'out', '--cache', '--check', '-q'], d).stderr)).toEqual([3, 3]);
    edit(shop, 'description: Web shop orders and payments', 'description: Web shop orders');
    const rebuild = run(['build', 'policies', '--out', 'out', '--cache', '--format', 'json', '--verbose'], d);
    const plain = run(['build', 'policies', '--out', 'plain', '--format', 'json', '--verbose'], d);
    expect(rebuild.stdout).toEqual(plain.stdout);
    expect(tree(join(d, 'out'))).toEqual(tree(join(d, 'plain')));
  });

  it('a cached build killed with SIGKILL leaves the cache usable: the next one builds what a build without it does', { timeout: 180_000 }, async () => {
    const d = tmp();
    const write = (blacklisted: string) => {
      writeFileSync(join(d, 'fleet.yaml'), FLEET);
      for (let i = 0; i < 60; i++) writeFileSync(join(d, `k${i}.yaml`), cluster(`k${i}`, i + 1, `candidates: { blacklist: [k${i}-${blacklisted}:3306] }\n`));
    };
    write('3');
    run(['build', '.', '--out', 'out', '--cache', '-q'], d);
    write('4');
    const started = performance.now();
    run(['build', '.', '--out', 'plain', '-q'], d);
    const duration = performance.now() - started;
    for (let i = 0; i < 6; i++) {
      if (i % 2 === 1) write('3');
      else write('4');
      await runKilledAfter(['build', '.', '--out', 'out', '--cache', '-q'], d, duration * (0.3 + i * 0.15));
    }
    write('4');
    const after = run(['build', '.', '--out', 'out', '--cache', '-q'], d);
    expect(after.code).toBe(0);
    const clean = (t: Map<string, string>) => new Map([...t].filter(([p]) => !basename(p).endsWith('.tmp')));
    expect(clean(tree(join(d, 'out')))).toEqual(tree(join(d, 'plain')));
    const check = run(['build', '.', '--out', 'out', '--cache', '--check', '-q'], d);
    expect(check.code).toBe(0);
  });
});
