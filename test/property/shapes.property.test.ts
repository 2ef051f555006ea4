import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLive, liveFindingsOf } from '../../src/check.js';
import { analyze, lint } from '../../src/lint.js';
import { viewOf } from '../../src/live/view.js';
import { simulateEachSingleFailure } from '../../src/simulate/index.js';
import { renderEach, renderSimulation } from '../../src/simulate/render.js';
import { makeTopology, type Instance } from '../../src/topology/model.js';

// Any shape of single-source graph, in the policy and live: the ring rules fire on exactly the
// hosts that lie on a ring, and lint, check and simulate end.

const host = (i: number) => `db${i}:3306`;

/** n hosts; each has no source or one of the hosts (itself included). */
const shapes = fc.integer({ min: 2, max: 9 }).chain((n) =>
  fc.array(fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }), { minLength: n, maxLength: n }),
);

/** Hosts from which following sources comes back to them. */
function onRing(src: (number | undefined)[]): Set<number> {
  const out = new Set<number>();
  src.forEach((_, start) => {
    let cur = src[start];
    for (let step = 0; step < src.length && cur !== undefined; step++, cur = src[cur]) if (cur === start) out.add(start);
  });
  return out;
}

describe('rings of any shape', () => {
  it('source-cycle: lint reports exactly the hosts on a ring of `source` entries (the primary db0 by default)', () => {
    fc.assert(
      fc.property(shapes, (src) => {
        // A host without a source replicates from the primary, db0; db0 itself has none unless given.
        const effective = src.map((s, i) => (s === undefined && i !== 0 ? 0 : s));
        const lines = ['kind: cluster', 'name: shop', `primary: ${host(0)}`, 'hosts:'];
        src.forEach((s, i) => lines.push(`  ${host(i)}: { dc: dc1${s === undefined ? '' : `, source: ${host(s)}`} }`));
        const findings = lint([{ path: 'c.yaml', text: `${lines.join('\n')}\n` }]).findings.filter((f) => f.ruleId === 'source-cycle');
        const reported = new Set(findings.map((f) => f.line - 5));
        expect([...reported].sort()).toEqual([...onRing(effective)].sort());
        expect(findings).toHaveLength(reported.size);
      }),
      { numRuns: 200 },
    );
  });

  it('live-replication-cycle: check reports exactly the declared ring members, and simulate ends on every failure', () => {
    fc.assert(
      fc.property(shapes, fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }), (src, writable) => {
        const instances: Instance[] = src.map((s, i) => ({
          key: host(i), host: `db${i}`, port: 3306, reachable: true, readOnly: !writable[i],
          ...(s === undefined ? {} : {
            source: host(s),
            replication: {
              sourceHost: `db${s}`, sourcePort: 3306, ioThread: 'yes' as const, sqlThread: 'yes' as const, lastIoErrno: 0, lastIoError: '', lastSqlErrno: 0,
              lastSqlError: '', lagSeconds: 0, sqlDelay: 0, sqlRemainingDelay: null, usingGtid: 'Slave_Pos', hasFilters: false,
            },
          }),
        }));
        const topology = makeTopology(instances, { kind: 'mysql', detail: 'property' });
        // The policy declares every host as a plain replica of db0, so only the live shape differs.
        const lines = ['kind: cluster', 'name: shop', `primary: ${host(0)}`, 'hosts:', ...src.map((_, i) => `  ${host(i)}: { dc: dc1 }`)];
        const analysis = analyze([{ path: 'c.yaml', text: `${lines.join('\n')}\n` }]);
        const findings = checkLive(analysis, () => topology).filter((f) => f.ruleId === 'live-replication-cycle');
        expect(new Set(findings.map((f) => f.line - 5))).toEqual(onRing(src));
        const cluster = analysis.repo.clusters[0]!;
        const each = simulateEachSingleFailure(cluster, topology, ['orchestrator', 'cmon', 'mha']);
        expect(renderEach(each, { color: false, check: [] })).toContain('worst case');
        const component = viewOf(cluster, topology).component.map((i) => i.key);
        for (const sim of each.simulations) expect(renderSimulation(topology, sim, component, { color: false, check: liveFindingsOf(analysis, cluster, topology) })).toContain(`${sim.failed} fails`);
      }),
      { numRuns: 150 },
    );
  });
});
