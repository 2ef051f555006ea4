import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run } from '../cli/helpers.js';

// A policy repository made here: main holds the example policies; the branch `change` narrows
// shop's whitelist, gives a dr host a promotion level, changes a fleet timing default and
// removes nothing; `removal` deletes the dr cluster; `broken` leaves dr.yaml unparsable.

const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env: { ...process.env, ...ENV }, encoding: 'utf8' });
}

function edit(file: string, from: string, to: string): void {
  const path = join(repo, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

function commitOn(branch: string, change: () => void): void {
  git('checkout', '-q', '-b', branch, 'main');
  change();
  git('add', '-A');
  git('commit', '-q', '-m', branch);
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'succession-diff-test-'));
  git('init', '-q', '-b', 'main');
  cpSync(join(ROOT, 'policies'), join(repo, 'policies'), { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'example policies');
  commitOn('change', () => {
    edit('policies/clusters/shop.yaml', 'whitelist: [rha-db-02:3306, rha-db-03:3306]', 'whitelist: [rha-db-03:3306]');
    edit('policies/clusters/dr.yaml', '10.0.0.143:3306: { dc: dc1 }', '10.0.0.143:3306: { dc: dc1, promotion: prefer }');
    edit('policies/fleet.yaml', 'maxLagSeconds: 10', 'maxLagSeconds: 5');
  });
  commitOn('removal', () => git('rm', '-q', 'policies/clusters/dr.yaml'));
  commitOn('broken', () => edit('policies/clusters/dr.yaml', 'hooks:', ': [\nhooks:'));
  commitOn('timing', () => edit('policies/clusters/shop.yaml', 'recoveryBlockSeconds: 30', 'recoveryBlockSeconds: 60'));
  git('checkout', '-q', 'change');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

function diff(args: string[]) {
  return run(['diff', ...args], { cwd: repo, env: { NO_COLOR: '1' } });
}

function json(args: string[]) {
  const r = diff([...args, '-f', 'json']);
  expect(r.stderr).toBe('');
  return { status: r.status, result: JSON.parse(r.stdout) };
}

function worktrees(): number {
  return git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;
}

describe('succession diff between git revisions', () => {
  it('reports per cluster the candidates, successors, generated settings, findings and blast radius of a change', () => {
    const { status, result } = json(['main', 'change']);
    expect(status).toBe(0);
    expect(result.base).toMatch(/^main \([0-9a-f]{12}\)$/);
    expect(result.clusters.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['dr', 'changed'], ['shop', 'changed']]);
    const shop = result.clusters[1];
    expect(shop.candidates).toEqual([{ host: 'rha-db-02:3306', change: 'removed', reasons: ['not on the whitelist'] }]);
    expect(shop.policy).toContainEqual({ setting: 'candidates.whitelist', before: 'rha-db-02:3306, rha-db-03:3306', after: 'rha-db-03:3306', from: 'cluster' });
    expect(shop.policy).toContainEqual({ setting: 'candidates.maxLagSeconds', before: '10', after: '5', from: 'fleet' });
    const primaryLoss = shop.failures.changes.find((c: { failed: string; engine: string }) => c.failed === 'rha-db-01:3306' && c.engine === 'orchestrator');
    expect(primaryLoss.before).toEqual({ successor: 'rha-db-02:3306', ackers: [], stallSeconds: 78 });
    expect(primaryLoss.after).toEqual({ successor: 'rha-db-03:3306', ackers: ['rha-db-02:3306'], stallSeconds: 13 });
    expect(shop.config.cmon).toEqual([{ setting: 'replication_failover_whitelist', before: 'rha-db-02:3306,rha-db-03:3306', after: 'rha-db-03:3306' }]);
    expect(shop.config.orchestrator).toEqual([{ setting: 'meta row rha-db-02:3306 promotion_rule', before: 'prefer', after: 'must_not' }]);
    expect(shop.config.mha).toContainEqual({ setting: '[server rha-db-02:3306] no_master', after: '1' });
    expect(shop.findings.added.map((f: { ruleId: string }) => f.ruleId)).toEqual(['single-promotable-candidate']);
    expect(shop.kinds).toEqual(['successor', 'candidates', 'stall']);
    const dr = result.clusters[0];
    expect(dr.policy[0]).toEqual({ setting: 'hosts.10.0.0.143:3306.promotion', before: 'neutral', after: 'prefer', from: 'cluster' });
    expect(dr.kinds).toEqual([]);
    expect(result.fleet).toEqual([{ setting: 'defaults.candidates.maxLagSeconds', before: '10', after: '5', clusters: ['dr', 'shop'] }]);
    expect(result.deployments.map((d: { name: string; clusters: string[] }) => [d.name, d.clusters])).toEqual([['main', ['shop']]]);
    // why: a filter list of a large deployment holds thousands of hosts; the change is the entry that moved.
    expect(result.deployments[0].nodes.map((n: { node: string; changes: unknown[] }) => [n.node, n.changes])).toEqual(
      ['rha-orc-01', 'rha-orc-02', 'rha-orc-03'].map((node) => [node, [{ setting: 'PromotionIgnoreHostnameFilters', added: ['^rha-db-02:3306$'], removed: [] }]]),
    );
    expect(worktrees()).toBe(1);
  });

  it('names the clusters a deployment-wide setting reaches', () => {
    const r = diff(['main', 'timing']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('RecoveryPeriodBlockSeconds of orchestrator deployment main changes for 1 cluster: shop');
    expect(r.stdout).toContain('RecoveryPeriodBlockSeconds: 30 → 60 (every node)');
  });

  it('defaults to the merge base with main and the working tree', () => {
    writeFileSync(join(repo, 'policies/clusters/shop.yaml'), readFileSync(join(repo, 'policies/clusters/shop.yaml'), 'utf8').replace('recoveryBlockSeconds: 30', 'recoveryBlockSeconds: 45'));
    try {
      const { result } = json([]);
      expect(result.base).toMatch(/^merge-base\(HEAD, main\) \([0-9a-f]{12}\)$/);
      expect(result.head).toBe('working tree');
      expect(result.clusters.find((c: { name: string }) => c.name === 'shop').policy).toContainEqual({ setting: 'antiFlapping.recoveryBlockSeconds', before: '30', after: '45', from: 'cluster' });
    } finally {
      git('checkout', '-q', '--', 'policies/clusters/shop.yaml');
    }
  });

  it('reads a revision from the directory it was started in', () => {
    const r = run(['diff', 'main', 'change', '--policies', '.', '-f', 'json'], { cwd: join(repo, 'policies') });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.clusters.map((c: { name: string; file: { after: string } }) => [c.name, c.file.after])).toEqual([['dr', 'clusters/dr.yaml'], ['shop', 'clusters/shop.yaml']]);
    expect(result.clusters[1].failures.changes.length).toBeGreaterThan(0);
  });

  it('reports a removed cluster as removed, with what it no longer does', () => {
    const { result } = json(['main', 'removal']);
    const dr = result.clusters.find((c: { name: string }) => c.name === 'dr');
    expect(dr.status).toBe('removed');
    expect(dr.file).toEqual({ before: 'policies/clusters/dr.yaml' });
    expect(dr.config.cmon).toContainEqual({ setting: 'file', before: 'cmon_2.cnf' });
    expect(dr.kinds).toContain('successor');
  });

  it('diffs what it can when the base does not parse, and reports the base findings', () => {
    const { status, result } = json(['broken', 'change']);
    expect(status).toBe(0);
    expect(result.findings.resolved.map((f: { ruleId: string; file: string }) => [f.ruleId, f.file])).toEqual([['syntax', 'policies/clusters/dr.yaml']]);
    expect(result.clusters.find((c: { name: string }) => c.name === 'dr').status).toBe('added');
    expect(result.clusters.find((c: { name: string }) => c.name === 'shop').status).toBe('changed');
    expect(result.notes.join('\n')).toContain('policies/clusters/dr.yaml did not parse or validate');
  });

  it('exits 1 only for the kinds of change --fail-on-change names', () => {
    expect(diff(['main', 'change', '--fail-on-change', 'successor']).status).toBe(1);
    expect(diff(['main', 'change', '--fail-on-change', 'stall,candidates']).status).toBe(1);
    expect(diff(['main', 'timing', '--fail-on-change', 'successor', '--fail-on-change', 'candidates']).status).toBe(0);
    expect(diff(['main', 'main', '--fail-on-change', 'successor,candidates,stall']).status).toBe(0);
  });

  it('writes markdown with a collapsed section per cluster, in name order', () => {
    const r = diff(['main', 'change', '-f', 'markdown']);
    expect(r.status).toBe(0);
    const summaries = [...r.stdout.matchAll(/^<details><summary>(.*)<\/summary>$/gm)].map((m) => m[1]);
    expect(summaries).toEqual([
      'orchestrator deployment main',
      'dr changed: 1 generated setting',
      'shop changed: candidates −1; successor changes in 3 failures; 5 generated settings; orchestrator deployment main changes; 1 new finding',
    ]);
    expect(r.stdout.match(/^<\/details>$/gm)).toHaveLength(3);
    expect(r.stdout).toContain('- replication\\_failover\\_whitelist: rha-db-02:3306,rha-db-03:3306 → rha-db-03:3306');
    expect(r.stdout).toContain('- \\- rha-db-02:3306 (now: not on the whitelist)');
  });

  it('says so when nothing changes', () => {
    const r = diff(['main', 'main']);
    expect(r.stdout).toContain('no change in behaviour (3 policy files unchanged)');
    expect(r.status).toBe(0);
  });

  it('exits 2 on a revision that does not exist, and leaves no checkout behind', () => {
    const r = diff(['main', 'no-such-branch']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('succession: unknown revision "no-such-branch"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(worktrees()).toBe(1);
  });

  it('exits 2 on revisions outside a git repository, and on a bad --fail-on-change kind', () => {
    const outside = mkdtempSync(join(tmpdir(), 'succession-nogit-'));
    try {
      const r = run(['diff', 'main', 'HEAD'], { cwd: outside });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('is not inside a git repository');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    expect(diff(['main', 'change', '--fail-on-change', 'everything']).status).toBe(2);
  });
});

describe('succession diff between directories', () => {
  it('compares two policy directories and notes a host the topology lacks', () => {
    const base = mkdtempSync(join(tmpdir(), 'succession-diff-dirs-'));
    try {
      cpSync(join(ROOT, 'policies'), join(base, 'a'), { recursive: true });
      cpSync(join(ROOT, 'policies'), join(base, 'b'), { recursive: true });
      const shop = join(base, 'b/clusters/shop.yaml');
      writeFileSync(shop, readFileSync(shop, 'utf8').replace('  rha-db-05:3306:', '  rha-db-09:3306: { dc: dc1 }\n  rha-db-05:3306:'));
      const r = run(['diff', 'a', 'b', '-f', 'json'], { cwd: base });
      expect(r.status).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result.clusters.map((c: { name: string }) => c.name)).toEqual(['shop']);
      expect(result.clusters[0].notes).toEqual(['the topology lacks rha-db-09:3306, which the new policy names; its failure is not simulated']);
      expect(run(['diff', 'a', 'main'], { cwd: base }).status).toBe(2);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
