import { describe, expect, it } from 'vitest';
import { checkLive } from '../../src/check.js';
import { analyze, fleetCandidates, lint, lintShard, mergeShards, type PolicyInput } from '../../src/lint.js';
import type { Finding } from '../../src/findings.js';
import { loadCase } from './harness.js';

// A value a cluster inherits from the fleet file is reported at the fleet file's line, with the
// cluster as related location; the same fleet line breaking several clusters is one finding.

const related = (f: Finding) => (f.related ?? []).map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`);
const of = (findings: Finding[], rule: string) => findings.filter((f) => f.ruleId === rule);

function sharded(inputs: readonly PolicyInput[]): Finding[] {
  const fleet = fleetCandidates(inputs);
  return mergeShards(inputs, inputs.map((i) => lintShard([i], fleet))).findings;
}

describe('a fleet default that breaks every cluster', () => {
  const rule = 'semi-sync-wait-count-unreachable';
  const c = loadCase(rule, 'invalid-fleet-default-breaks-every-cluster');

  it('is one finding at the fleet line, each cluster a related location with its own message', () => {
    const found = of(lint(c.inputs).findings, rule);
    expect(found).toHaveLength(1);
    const [f] = found;
    expect(`${f!.file}:${f!.line}:${f!.column}`).toBe('fleet.yaml:5:26');
    expect(f!.message).toContain('The primary dr-1:3306 waits for 3');
    expect(related(f!)).toEqual([
      'clusters/dr.yaml:2:7 inherited by cluster dr',
      expect.stringMatching(/^clusters\/eu\/shop-eu\.yaml:2:7 inherited by cluster shop-eu: The primary shop-eu-1:3306 waits for 3 /),
      expect.stringMatching(/^clusters\/shop\.yaml:2:7 inherited by cluster shop: The primary shop-1:3306 waits for 3 /),
    ]);
  });

  it('is the same whatever order the files and shards come in', () => {
    const once = lint(c.inputs).findings;
    expect(lint([...c.inputs].reverse()).findings).toEqual(once);
    expect(sharded([...c.inputs].reverse())).toEqual(once);
  });

  it('is never reported at a cluster file', () => {
    expect(lint(c.inputs).findings.filter((f) => f.file !== 'fleet.yaml')).toEqual([]);
  });
});

describe('a fleet default whose finding reads the same for every cluster', () => {
  const rule = 'recovery-block-exceeds-locked-master';
  const c = loadCase(rule, 'invalid-fleet-breaks-every-cluster');

  it('lists each inheriting cluster once, and a cluster that sets the value itself keeps its own finding', () => {
    const found = of(lint(c.inputs).findings, rule);
    expect(found.map((f) => `${f.file}:${f.line}`)).toEqual(['clusters/c.yaml:10', 'fleet.yaml:8']);
    expect(related(found[1]!)).toEqual([
      'clusters/a.yaml:2:7 inherited by cluster a',
      'clusters/b.yaml:2:7 inherited by cluster b',
      'fleet.yaml:6:26 lockedMasterSeconds set here',
    ]);
    expect(related(found[0]!)).toEqual(['fleet.yaml:6:26 lockedMasterSeconds set here']);
  });
});

describe('a value of one cluster inherited from the fleet', () => {
  it('is reported at the fleet line with the cluster file as related location', () => {
    const c = loadCase('recovery-block-exceeds-locked-master', 'invalid-block-from-fleet');
    const [f] = of(lint(c.inputs).findings, 'recovery-block-exceeds-locked-master');
    expect(f!.file).toMatch(/fleet\.yaml$/);
    expect(related(f!).some((r) => / inherited by cluster /.test(r) && !r.startsWith('fleet.yaml'))).toBe(true);
  });

  it('is the same under succession check as under lint', () => {
    const fleet = { path: 'fleet.yaml', text: 'kind: fleet\ndefaults:\n  semiSync:\n    waitForReplicaCount: 3\n    enforcement: exact\n' };
    const cluster = { path: 'shop.yaml', text: 'kind: cluster\nname: shop\nprimary: db1\nhosts:\n  db1: { semiSyncPriority: 1 }\n  db2: { semiSyncPriority: 1 }\n' };
    const findings = checkLive(analyze([fleet, cluster]), () => ({ instances: [], unreachable: [], origin: { kind: 'mysql', detail: 'mysql://db1:3306' } }));
    const [f] = of(findings, 'semi-sync-wait-count-unreachable');
    expect(`${f!.file}:${f!.line}`).toBe('fleet.yaml:4');
    expect(related(f!)).toEqual(['shop.yaml:2:7 inherited by cluster shop']);
  });
});
