import { appendFileSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileTree, runBuilt, runKilledAfter, tempDirs } from './helpers.js';

// A cached build scoped to a change (src/compile/scoped-build.ts): with few policy files changed it
// builds only them and the unchanged clusters they can meet, keeps the cache as a journal, and
// still reports and writes exactly what a build without the cache does.

const tmp = tempDirs('succession-scoped-');
const run = runBuilt;

const FLEET = `kind: fleet
defaults:
  semiSync: { waitForReplicaCount: 1, enforcement: exact, lockedMasterSeconds: 60 }
  antiFlapping: { recoveryBlockSeconds: 30 }
orchestrator:
  deployments:
    east:
      raft: { nodes: [orc-e1, orc-e2, orc-e3] }
      topologyCredentialsFile: /etc/orchestrator/topology.cnf
    west:
      raft: { nodes: [orc-w1, orc-w2, orc-w3] }
      topologyCredentialsFile: /etc/orchestrator/topology.cnf
`;

function clusterText(name: string, id: number, deployment: string, description = 'A cluster'): string {
  return `kind: cluster
name: ${name}
description: ${description}
primary: ${name}-1:3306
cmon: { clusterId: ${id} }
orchestrator: { deployment: ${deployment} }
mha: { enabled: true }
hosts:
  ${name}-1:3306: { dc: dc1, semiSyncPriority: 100 }
  ${name}-2:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }
  ${name}-3:3306: { dc: dc1, semiSyncPriority: 50 }
  ${name}-4:3306: { dc: dc2, role: backup, promotion: must_not }
`;
}

/** A repository of six clusters, three per deployment. */
function repository(): string {
  const d = tmp();
  writeFileSync(join(d, 'fleet.yaml'), FLEET);
  for (let i = 0; i < 6; i++) writeFileSync(join(d, `c${i}.yaml`), clusterText(`c${i}`, i + 1, i < 3 ? 'east' : 'west'));
  return d;
}

const edit = (file: string, from: string | RegExp, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** [changed files built again, unchanged clusters built with them] from a scoped build's line (the second is left out when 0). */
const scope = (stderr: string) => /built again: ([0-9]+) changed file\(s\)(?:, with the ([0-9]+) unchanged cluster\(s\) sharing|\.)/.exec(stderr)?.slice(1).map((n) => Number(n ?? 0));

/** The cached build and a build without the cache (into `plain`, with the same history) agree on everything but the cache's own line. */
function agree(d: string, ...more: string[]): { stderr: string; code: number | null } {
  const cached = run(['build', '.', '--out', 'out', '--cache', '--format', 'json', ...more], d);
  const plain = run(['build', '.', '--out', 'plain', '--format', 'json', ...more], d);
  const lines = (s: string, out: string) =>
    s
      .split('\n')
      .filter((l) => !l.includes('since the cached build'))
      .map((l) => l.replace(new RegExp(`(?<=[ (/])${out}(?=[/)])`, 'g'), 'OUT'));
  expect(cached.code).toBe(plain.code);
  const report = (s: string, out: string) => JSON.parse(s.replaceAll(`"${out}/`, '"OUT/')) as unknown;
  expect(report(cached.stdout, 'out')).toEqual(report(plain.stdout, 'plain'));
  expect(lines(cached.stderr, 'out')).toEqual(lines(plain.stderr, 'plain'));
  expect(fileTree(join(d, 'out'))).toEqual(fileTree(join(d, 'plain')));
  return cached;
}

describe('build --cache, scoped to a change', () => {
  it('builds again only the changed files and the clusters they meet, and agrees with a build without the cache', async () => {
    const d = repository();
    agree(d);
    // why: a stat is trusted only once older than the file system clock's tick could hide.
    await wait(2100);
    agree(d);
    const cacheBefore = readFileSync(join(d, '.successioncache'));
    edit(join(d, 'c1.yaml'), 'description: A cluster', 'description: Another cluster');
    // the two other clusters of deployment east
    expect(scope(agree(d).stderr)).toEqual([1, 2]);
    // why: the change went into a journal record after the file as it was.
    const cacheAfter = readFileSync(join(d, '.successioncache'));
    expect(cacheAfter.subarray(0, cacheBefore.length).equals(cacheBefore)).toBe(true);

    edit(join(d, 'c4.yaml'), 'name: c4', 'name: C0');
    const duplicate = agree(d);
    expect(duplicate.code).toBe(1);
    // c0 by name; c3 and c5 of deployment west
    expect(scope(duplicate.stderr)).toEqual([1, 3]);
    edit(join(d, 'c4.yaml'), 'name: C0', 'name: c4');
    edit(join(d, 'c5.yaml'), 'clusterId: 6', 'clusterId: 2');
    expect(agree(d).code).toBe(1);
    edit(join(d, 'c5.yaml'), 'clusterId: 2', 'clusterId: 6');
    edit(join(d, 'c2.yaml'), 'deployment: east', 'deployment: west');
    expect(scope(agree(d).stderr)).toEqual([2, 4]);
    edit(join(d, 'c3.yaml'), /$/, 'antiFlapping: { recoveryBlockSeconds: 20 }\n');
    expect(agree(d).code).toBe(1);
    edit(join(d, 'c3.yaml'), 'antiFlapping: { recoveryBlockSeconds: 20 }\n', '');
    rmSync(join(d, 'c0.yaml'));
    agree(d);
    writeFileSync(join(d, 'c9.yaml'), clusterText('c9', 9, 'east'));
    agree(d);
    edit(join(d, 'c9.yaml'), 'hosts:', 'hosts: [');
    expect(agree(d).code).toBe(1);
    edit(join(d, 'c9.yaml'), 'hosts: [', 'hosts:');
    agree(d, '--verbose');
    edit(join(d, 'c9.yaml'), 'description: A cluster', 'description: Nine');
    agree(d, '--check');
    for (const out of ['out', 'plain']) rmSync(join(d, out, 'orchestrator/west/provenance.txt'));
    expect(agree(d).stderr).toContain('wrote 4 file(s)');
    // a cluster no other shares a name, an id or a deployment with meets none
    writeFileSync(join(d, 'solo.yaml'), clusterText('solo', 20, 'east').replace('orchestrator: { deployment: east }\n', ''));
    agree(d);
    edit(join(d, 'solo.yaml'), 'description: A cluster', 'description: Alone');
    const alone = agree(d);
    expect(scope(alone.stderr)).toEqual([1, 0]);
    expect(alone.stderr).toContain('built again: 1 changed file(s).');
  });

  it('counts the unchanged files\' info notes without reading them, and shows them with --verbose', async () => {
    const d = repository();
    run(['build', '.', '--out', 'out', '--cache'], d);
    run(['build', '.', '--out', 'plain'], d);
    await wait(2100);
    edit(join(d, 'c1.yaml'), 'description: A cluster', 'description: Another cluster');
    const cached = run(['build', '.', '--out', 'out', '--cache'], d);
    const plain = run(['build', '.', '--out', 'plain'], d);
    expect(scope(cached.stderr)).toEqual([1, 2]);
    const notes = (s: string) => /([0-9]+) info notes; --verbose shows them/.exec(s)?.[1];
    expect(notes(cached.stderr)).toBeDefined();
    expect(notes(cached.stderr)).toBe(notes(plain.stderr));
    edit(join(d, 'c1.yaml'), 'description: Another cluster', 'description: A third');
    const verbose = run(['build', '.', '--out', 'out', '--cache', '--verbose'], d);
    expect(scope(verbose.stderr)).toEqual([1, 2]);
    expect(verbose.stdout).toBe(run(['build', '.', '--out', 'plain', '--verbose'], d).stdout);
    expect(verbose.stdout).toContain('target-cannot-express');
  });

  it('notices a policy edited with its size and mtime kept, also right after the build that read it', async () => {
    const d = repository();
    const sneak = (file: string, from: string, to: string) => {
      const st = statSync(file);
      edit(file, from, to);
      utimesSync(file, st.atime, st.mtime);
      expect(statSync(file).size).toBe(st.size);
    };
    agree(d);
    // why: the files were written a moment ago, so their stats were not recorded: they are read.
    sneak(join(d, 'c1.yaml'), 'A cluster', 'B cluster');
    expect(scope(agree(d).stderr)).toEqual([1, 2]);
    await wait(2100);
    agree(d);
    sneak(join(d, 'c4.yaml'), 'A cluster', 'B cluster');
    expect(scope(agree(d).stderr)).toEqual([1, 2]);
  });

  it('leaves out a torn journal record and one written for another length of the file', async () => {
    const d = repository();
    agree(d);
    await wait(2100);
    agree(d);
    const cache = join(d, '.successioncache');
    edit(join(d, 'c1.yaml'), 'description: A cluster', 'description: Torn');
    agree(d);
    truncateSync(cache, statSync(cache).size - 3);
    // the record of c1's change is gone: c1 is built again, and the file rewritten whole
    const torn = agree(d);
    expect(torn.stderr).not.toContain('ignored the build cache');
    expect(scope(torn.stderr)).toEqual([1, 2]);
    edit(join(d, 'c2.yaml'), 'description: A cluster', 'description: Raced');
    const before = readFileSync(cache);
    agree(d);
    const record = readFileSync(cache).subarray(before.length);
    // why: a record another build appended first was written for a shorter file than it lands on.
    writeFileSync(cache, before);
    const nl = record.indexOf(10);
    const header = record.toString('latin1', 0, nl).replace(/\t[0-9]+$/, '\t1');
    appendFileSync(cache, Buffer.concat([Buffer.from(`${header}\n`, 'latin1'), record.subarray(nl + 1)]));
    expect(scope(agree(d).stderr)).toEqual([1, 2]);
  });

  it('a scoped build killed with SIGKILL leaves the cache usable: the next one builds what a build without it does', { timeout: 120_000 }, async () => {
    const d = repository();
    run(['build', '.', '--out', 'out', '--cache', '-q'], d);
    await wait(2100);
    run(['build', '.', '--out', 'out', '--cache', '-q'], d);
    const started = performance.now();
    run(['build', '.', '--out', 'out', '--cache', '-q'], d);
    const duration = performance.now() - started;
    for (let i = 0; i < 8; i++) {
      edit(join(d, `c${i % 6}.yaml`), /description: .*/, `description: Killed ${i}`);
      await runKilledAfter(['build', '.', '--out', 'out', '--cache', '-q'], d, duration * (0.4 + i * 0.1));
    }
    const after = run(['build', '.', '--out', 'out', '--cache', '-q'], d);
    expect(after.code).toBe(0);
    run(['build', '.', '--out', 'plain', '-q'], d);
    const clean = (t: Map<string, string>) => new Map([...t].filter(([p]) => !basename(p).endsWith('.tmp')));
    expect(clean(fileTree(join(d, 'out')))).toEqual(fileTree(join(d, 'plain')));
    expect(run(['build', '.', '--out', 'out', '--cache', '--check', '-q'], d).code).toBe(0);
  });
});
