import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

// Replication shapes through the built binary: rings live and in the policy, unreachable sources,
// broken replicas. Every run must end (helpers.run kills it after 60 s: status null).

const FIX = 'test/rules/fixtures';
const caseOf = (rule: string, name: string) => ({ policy: `${FIX}/${rule}/${name}/cluster.yaml`, topology: `${FIX}/${rule}/${name}/topology.json` });

interface JsonFinding {
  ruleId: string;
  severity: string;
  line: number;
  message: string;
}

const findings = (stdout: string): JsonFinding[] => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;

describe('check on replication shapes', () => {
  it('a ring of writable co-primaries: exit 1 with live-replication-cycle errors', () => {
    const c = caseOf('live-replication-cycle', 'invalid-co-primaries-both-writable');
    const r = run(['check', c.policy, '--topology', c.topology, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(findings(r.stdout).filter((f) => f.ruleId === 'live-replication-cycle').map((f) => [f.line, f.severity])).toEqual([[6, 'error'], [7, 'error']]);
  });

  it('a read-only ring: exit 1, where nothing else would notice it', () => {
    const c = caseOf('live-replication-cycle', 'invalid-co-primaries-both-read-only');
    const r = run(['check', c.policy, '--topology', c.topology, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(findings(r.stdout).filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual(['live-replication-cycle', 'live-replication-cycle']);
  });

  it('a candidate whose IO thread keeps connecting: the error says so, with the IO error, and nothing calls it broken', () => {
    const c = caseOf('live-replica-source-unreachable', 'invalid-candidate-connecting-with-error');
    const r = run(['check', c.policy, '--topology', c.topology]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('db2:3306 cannot reach its source: its IO thread is still connecting to db1:3306; last IO error: error 2003');
    expect(r.stdout).not.toContain('live-candidate-replication-broken');
  });

  it('a broken reporting replica: a warning (exit 0 by default, 1 with --fail-on warning)', () => {
    const c = caseOf('live-replica-replication-broken', 'invalid-duplicate-key');
    expect(run(['check', c.policy, '--topology', c.topology]).status).toBe(0);
    const r = run(['check', c.policy, '--topology', c.topology, '--fail-on', 'warning']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/8:3 +warning +db3:3306 has stopped replicating on an error: SQL thread stopped; SQL error 1062/);
  });
});

describe('simulate on rings ends', () => {
  for (const name of ['invalid-co-primaries-both-writable', 'invalid-co-primaries-both-read-only', 'invalid-ring-of-three', 'invalid-ring-with-unreadable-member']) {
    it(`${name}: --each-single-failure`, () => {
      const c = caseOf('live-replication-cycle', name);
      const r = run(['simulate', 'shop', '--policies', c.policy, '--topology', c.topology, '--each-single-failure']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('worst case');
    });
  }
});

describe('a policy whose sources form a ring', () => {
  const dir = mkdtempSync(join(tmpdir(), 'succession-source-ring-'));
  const policy = join(dir, 'shop.yaml');
  writeFileSync(
    policy,
    ['kind: cluster', 'name: shop', 'primary: db1:3306', 'cmon: { clusterId: 1 }', 'mha: {}', 'hosts:', '  db1:3306: { dc: dc1, source: db3:3306 }', '  db2:3306: { dc: dc1 }', '  db3:3306: { dc: dc1, source: db2:3306 }', ''].join('\n'),
  );
  const tree = caseOf('live-replication-cycle', 'valid-tree');

  it('lint: an error on every host of the ring, exit 1', () => {
    const r = run(['lint', policy, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(findings(r.stdout).filter((f) => f.ruleId === 'source-cycle').map((f) => f.line)).toEqual([7, 8, 9]);
  });

  it('build: stops on the lint error and writes nothing', () => {
    const out = join(dir, 'out');
    const r = run(['build', policy, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('source-cycle');
    expect(() => readdirSync(out)).toThrow();
  });

  it('build with the finding suppressed: compiles the ring (and a host that is its own source) and ends', () => {
    const suppressed = join(dir, 'suppressed', 'shop.yaml');
    mkdirSync(join(dir, 'suppressed'));
    writeFileSync(
      suppressed,
      ['# succession-disable-file source-cycle -- the compile must survive a ring', 'kind: cluster', 'name: shop', 'primary: db1:3306', 'cmon: { clusterId: 1 }', 'mha: {}', 'hosts:', '  db1:3306: { dc: dc1, source: db3:3306 }', '  db2:3306: { dc: dc1 }', '  db3:3306: { dc: dc1, source: db2:3306 }', '  db4:3306: { dc: dc1, source: db4:3306 }', ''].join('\n'),
    );
    const out = join(dir, 'suppressed-out');
    const r = run(['build', suppressed, '--out', out]);
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['cmon', 'mha']);
  });

  it('check and simulate against a live tree end with the ring reported', () => {
    const c = run(['check', policy, '--topology', tree.topology]);
    expect(c.status).toBe(1);
    expect(c.stdout).toContain('source-cycle');
    const s = run(['simulate', 'shop', '--policies', policy, '--topology', tree.topology, '--each-single-failure']);
    expect(s.status).toBe(0);
    expect(s.stdout).toContain('worst case');
  });
});
