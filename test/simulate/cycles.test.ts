import { describe, expect, it } from 'vitest';
import { viewOf } from '../../src/live/view.js';
import { simulateEachSingleFailure, simulateFailure } from '../../src/simulate/index.js';
import { renderEach, renderSimulation } from '../../src/simulate/render.js';
import { makeTopology, type Instance, type Topology } from '../../src/topology/model.js';
import { policy } from './helpers.js';

// simulate on replication rings: it must end, and say something true, whichever host fails.

function server(name: string, source: string | undefined, writable: boolean): Instance {
  return {
    key: `${name}:3306`,
    host: name,
    port: 3306,
    reachable: true,
    flavor: 'mariadb',
    version: { text: '10.11.6-MariaDB-log', major: 10, minor: 11, patch: 6 },
    readOnly: !writable,
    logBin: true,
    logReplicaUpdates: true,
    ...(source
      ? {
          source: `${source}:3306`,
          replication: {
            sourceHost: source, sourcePort: 3306, ioThread: 'yes' as const, sqlThread: 'yes' as const, lastIoErrno: 0, lastIoError: '', lastSqlErrno: 0, lastSqlError: '',
            lagSeconds: 0, sqlDelay: 0, sqlRemainingDelay: null, usingGtid: 'Slave_Pos', hasFilters: false,
          },
        }
      : {}),
  };
}

const topo = (...instances: Instance[]): Topology => makeTopology(instances, { kind: 'mysql', detail: 'test' });

const cluster = policy(`kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: { dc: dc1 }
  db2:3306: { dc: dc1 }
  db3:3306: { dc: dc1 }
  db4:3306: { dc: dc1 }
`);

const rings: Record<string, Topology> = {
  'co-primaries, both writable': topo(server('db1', 'db2', true), server('db2', 'db1', true), server('db3', 'db1', false), server('db4', 'db2', false)),
  'co-primaries, both read-only': topo(server('db1', 'db2', false), server('db2', 'db1', false), server('db3', 'db1', false), server('db4', 'db2', false)),
  'a ring of three, db1 writable': topo(server('db1', 'db3', true), server('db2', 'db1', false), server('db3', 'db2', false), server('db4', 'db3', false)),
  'a server replicating from itself': topo(server('db1', 'db1', true), server('db2', 'db1', false), server('db3', 'db1', false), server('db4', 'db2', false)),
  'a ring of four, all read-only': topo(server('db1', 'db4', false), server('db2', 'db1', false), server('db3', 'db2', false), server('db4', 'db3', false)),
};

describe('simulate on a replication ring', () => {
  for (const [name, topology] of Object.entries(rings)) {
    it(`${name}: every single failure is simulated and rendered, every host drawn once`, () => {
      const each = simulateEachSingleFailure(cluster, topology, ['orchestrator', 'cmon', 'mha']);
      expect(each.simulations.map((s) => s.failed)).toEqual(['db1:3306', 'db2:3306', 'db3:3306', 'db4:3306']);
      expect(renderEach(each, { color: false, check: [] })).toContain('worst case');
      const component = viewOf(cluster, topology).component.map((i) => i.key);
      for (const s of each.simulations) {
        const before = renderSimulation(topology, s, component, { color: false, check: [] }).split('\norchestrator:')[0]!;
        for (const k of component) expect(before.split('\n').filter((l) => l.includes(`${k} [`))).toHaveLength(1);
        // One ring, one edge cut to draw it, and that edge named.
        expect(before.match(/ring: replicates from /g)).toHaveLength(1);
      }
    });
  }

  it('with one writable member, that member is the primary, and losing another member stalls nothing', () => {
    const topology = rings['a ring of three, db1 writable']!;
    expect(viewOf(cluster, topology).livePrimary?.key).toBe('db1:3306');
    const primaryLoss = simulateFailure(cluster, topology, undefined, ['orchestrator']);
    expect(primaryLoss.failedRole).toBe('primary');
    expect(primaryLoss.engines[0]!.promoted).toBe('db2:3306');
    expect(renderSimulation(topology, primaryLoss, viewOf(cluster, topology).component.map((i) => i.key), { color: false, check: [] }).split('\n').slice(3, 7)).toEqual([
      '  db1:3306 [ring: replicates from db3:3306, 10.11.6, rw]  ✗ fails',
      '  + db2:3306 [10.11.6]',
      '    + db3:3306 [10.11.6]',
      '      + db4:3306 [10.11.6]',
    ]);
    const replicaLoss = simulateFailure(cluster, topology, 'db2:3306', ['orchestrator', 'cmon', 'mha']);
    expect(replicaLoss.engines.map((p) => p.writeStallSeconds)).toEqual([0, 0, 0]);
  });

  it('with two writable or no writable member there is no live primary; the declared one is failed by default', () => {
    for (const name of ['co-primaries, both writable', 'co-primaries, both read-only']) {
      const topology = rings[name]!;
      expect(viewOf(cluster, topology).livePrimary).toBeUndefined();
      expect(simulateFailure(cluster, topology, undefined, ['orchestrator']).failed).toBe('db1:3306');
    }
  });

  it('an unreadable member keeps the ring without a primary', () => {
    const topology = topo(server('db1', 'db2', true), { key: 'db2:3306', host: 'db2', port: 3306, reachable: false, error: 'connection refused', source: 'db1:3306' });
    expect(viewOf(cluster, topology).livePrimary).toBeUndefined();
  });
});
