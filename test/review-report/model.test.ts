import { describe, expect, it } from 'vitest';
import { simulateEachSingleFailure, enginesOf } from '../../src/simulate/index.js';
import { buildReport } from '../../src/review-report/build.js';
import { splitTopology } from '../../src/review-report/topology.js';
import type { Instance, Topology } from '../../src/topology/model.js';
import { analysisOf, exampleReport, TOPOLOGY } from './fixtures.js';

describe('report model of the example repository', () => {
  it('draws every host with its role, DC, promotion, candidate standing and semi-sync priority', () => {
    const m = exampleReport();
    expect(m.clusters.map((c) => c.name)).toEqual(['dr', 'shop']);
    const shop = m.clusters.find((c) => c.name === 'shop')!;
    expect(shop.treeFrom).toBe('topology');
    expect(shop.hosts.map((h) => h.key)).toEqual(['rha-db-01:3306', 'rha-db-02:3306', 'rha-db-03:3306', 'rha-db-04:3306', 'rha-db-05:3306']);
    const host = (k: string) => shop.hosts.find((h) => h.key === k)!;
    expect(host('rha-db-01:3306')).toMatchObject({ primary: true, candidate: false, dc: 'dc1', semiSyncPriority: 100 });
    expect(host('rha-db-01:3306').source).toBeUndefined();
    expect(host('rha-db-02:3306')).toMatchObject({ primary: false, candidate: true, promotion: 'prefer', semiSyncPriority: 100, source: 'rha-db-01:3306', reasons: [] });
    expect(host('rha-db-04:3306')).toMatchObject({ candidate: false, role: 'reporting', promotion: 'must_not' });
    expect(host('rha-db-04:3306').reasons).toEqual(['not on the whitelist', 'role reporting', 'promotion must_not']);
    expect(host('rha-db-05:3306').reasons).toContain('blacklisted');
    // dr: the backups replicate from intermediates, as the topology says.
    const dr = m.clusters.find((c) => c.name === 'dr')!;
    expect(dr.hosts.find((h) => h.key === '10.0.0.146:3306')!.source).toBe('10.0.0.145:3306');
  });

  it('has one N-1 row per host with each engine of the policy, as simulate --each-single-failure predicts', () => {
    const m = exampleReport();
    const shop = m.clusters.find((c) => c.name === 'shop')!;
    const analysis = analysisOf('policies');
    const policy = analysis.repo.clusters.find((c) => c.name === 'shop')!;
    const each = simulateEachSingleFailure(policy, TOPOLOGY, enginesOf(policy), analysis.repo.fleet);
    expect(shop.n1!.map((r) => r.failed)).toEqual(each.simulations.map((s) => s.failed));
    expect(shop.n1![0]!.cells.map((c) => c.engine)).toEqual(['orchestrator', 'cmon', 'mha']);
    const primaryLoss = shop.n1!.find((r) => r.failed === 'rha-db-01:3306')!;
    const expected = each.simulations.find((s) => s.failed === 'rha-db-01:3306')!.engines;
    expect(primaryLoss.cells.map((c) => [c.now!.successor, c.now!.stallSeconds])).toEqual(expected.map((p) => [p.promoted ?? p.replacement ?? null, p.writeStallSeconds]));
    expect(primaryLoss.cells[0]!.now!.successor).toBe('rha-db-02:3306');
    expect(shop.worst).toEqual({ failed: each.worst!.failed, engine: each.worst!.engine, stallSeconds: each.worst!.writeStallSeconds });
    expect(primaryLoss.cells.every((c) => c.changed === undefined)).toBe(true);
  });

  it('without a topology draws the policy tree, simulates nothing and says so', () => {
    const m = exampleReport({ topology: false });
    const dr = m.clusters.find((c) => c.name === 'dr')!;
    expect(dr.treeFrom).toBe('policy');
    expect(dr.n1).toBeUndefined();
    expect(dr.hosts.find((h) => h.key === '10.0.0.147:3306')!.source).toBe('10.0.0.143:3306');
    expect(dr.hosts.every((h) => h.inTopology === undefined)).toBe(true);
    expect(m.notes.join()).toContain('no topology');
  });

  it('says which clusters a per-cluster source (orchestrator) gave no topology for', () => {
    const analysis = analysisOf('policies');
    const m = buildReport({ title: 't', analysis, findings: [], topology: { byCluster: new Map([['shop', TOPOLOGY]]), label: 'http://orchestrator' } });
    const dr = m.clusters.find((c) => c.name === 'dr')!;
    expect(dr.notes).toEqual(['no topology for this cluster: its failures are not simulated']);
    expect(dr.n1).toBeUndefined();
    expect(m.clusters.find((c) => c.name === 'shop')!.n1).toHaveLength(5);
  });

  it('reports one cluster with --cluster', () => {
    expect(exampleReport({ cluster: 'dr' }).clusters.map((c) => c.name)).toEqual(['dr']);
  });

  it('with a base: the candidate that leaves, the successor that moves, the new finding, changed clusters first', () => {
    const m = exampleReport({ base: true });
    expect(m.base).toMatchObject({ label: 'policies', head: 'proposed', removed: [] });
    const shop = m.clusters.find((c) => c.name === 'shop')!;
    expect(shop.change!.kinds).toEqual(['successor', 'candidates', 'stall']);
    expect(shop.hosts.find((h) => h.key === 'rha-db-02:3306')!.candidateChange).toEqual({ change: 'removed', reasons: ['not on the whitelist'] });
    const cell = shop.n1!.find((r) => r.failed === 'rha-db-01:3306')!.cells.find((c) => c.engine === 'orchestrator')!;
    expect(cell).toMatchObject({ changed: true, before: { successor: 'rha-db-02:3306' }, now: { successor: 'rha-db-03:3306' } });
    expect(shop.change!.findings.added.map((f) => f.ruleId)).toEqual(['single-promotable-candidate']);
    expect(m.rules.map((r) => r.id)).toContain('single-promotable-candidate');
    expect(m.rules.find((r) => r.id === 'single-promotable-candidate')!.url).toBe('https://github.com/succession-dev/succession/blob/main/docs/rules/single-promotable-candidate.md');
    const dr = m.clusters.find((c) => c.name === 'dr')!;
    expect(dr.change!.kinds).toEqual([]);
    expect(dr.hosts.find((h) => h.key === '10.0.0.143:3306')!.settingChanges).toEqual([{ field: 'promotion', before: 'neutral', after: 'prefer' }]);
    expect(dr.hosts.filter((h) => h.settingChanges)).toHaveLength(1);
    const unchanged = exampleReport({ base: false });
    expect(unchanged.clusters.every((c) => c.change === undefined)).toBe(true);
  });
});

describe('splitTopology', () => {
  const inst = (key: string, source?: string): Instance => ({ key, host: key.split(':')[0]!, port: 3306, reachable: true, ...(source ? { source } : {}) }) as Instance;
  const topology: Topology = {
    instances: [inst('a:3306'), inst('b:3306', 'a:3306'), inst('c:3306', 'b:3306'), inst('x:3306'), inst('y:3306', 'x:3306'), inst('z:3306')],
    unreachable: [],
    origin: { kind: 'snapshot', detail: 't' },
  } as Topology;

  it('gives a cluster only the replication trees that hold its hosts, in the topology order', () => {
    const split = splitTopology(topology);
    expect(split(['c:3306'])!.instances.map((i) => i.key)).toEqual(['a:3306', 'b:3306', 'c:3306']);
    expect(split(['y:3306', 'z:3306'])!.instances.map((i) => i.key)).toEqual(['x:3306', 'y:3306', 'z:3306']);
    expect(split(['nope:3306'])).toBeUndefined();
  });

  it('keeps a ring (co-primaries) together', () => {
    const ring = { ...topology, instances: [inst('p:3306', 'q:3306'), inst('q:3306', 'p:3306'), inst('r:3306', 'q:3306')] } as Topology;
    expect(splitTopology(ring)(['p:3306'])!.instances.map((i) => i.key)).toEqual(['p:3306', 'q:3306', 'r:3306']);
  });
});
