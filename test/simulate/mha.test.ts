import { describe, expect, it } from 'vitest';
import { simulateFailure } from '../../src/simulate/index.js';
import type { EnginePrediction } from '../../src/simulate/model.js';
import { renderSimulation } from '../../src/simulate/render.js';
import { makeTopology, type Topology } from '../../src/topology/model.js';
import { policy, recorded } from './helpers.js';

// fixtures/mariadb-errant.json: MariaDB 10.11.6 (Debian's version string), db1 the primary, db2
// (with an errant transaction), db3 (one transaction behind) and db4 replicating from it.
const mariadb = recorded('mariadb-errant');

const CLUSTER = `kind: cluster
name: orders
primary: db1:3306
mha: { enabled: true }
hosts:
  db1:3306: { dc: dc1 }
  db2:3306: { dc: dc1 }
  db3:3306: { dc: dc1, promotion: prefer }
  db4:3306: { dc: dc1 }
`;

function mha(topology: Topology, text = CLUSTER): EnginePrediction {
  return simulateFailure(policy(text), topology, undefined, ['mha']).engines[0]!;
}

/** The topology with every server's version string (and, when given, flavor) replaced. */
function servers(topology: Topology, change: { version?: string; flavor?: 'mysql' | null }): Topology {
  const instances = structuredClone(topology.instances).map((i) => {
    if (change.version !== undefined) i.version = { ...i.version!, text: change.version };
    if (change.flavor === null) delete i.flavor;
    else if (change.flavor !== undefined) i.flavor = change.flavor;
    return i;
  });
  return makeTopology(instances, topology.origin, topology.collectedAt);
}

describe('MHA 0.58 select_new_master', () => {
  // fixtures/mysql-six.json: db2 and db6 executed 1-5000, db3 1-4990, db4 is delayed, db5 replicates from db3.
  const six = recorded('mysql-six');
  const SIX = `kind: cluster
name: shop
primary: db1:3306
mha: { enabled: true }
hosts:
  db1:3306: { dc: dc1 }
  db2:3306: { dc: dc1 }
  db3:3306: { dc: dc1, promotion: prefer }
  db4:3306: { dc: dc1 }
  db5:3306: { dc: dc1, source: db3:3306 }
  db6:3306: { dc: dc2 }
`;

  it('prefers a candidate_master replica that is behind to a more advanced one without the flag', () => {
    const p = mha(six, SIX);
    expect(p.promoted).toBe('db3:3306');
    // then the latest (db2 before db6 in block order), then the rest
    expect(p.ranking).toEqual(['db3:3306', 'db2:3306', 'db6:3306']);
  });

  it('takes the latest candidate_master first, in block order (the policy ranking) among equals', () => {
    const p = mha(six, SIX.replace('db3:3306: { dc: dc1, promotion: prefer }', 'db3:3306: { dc: dc1 }').replace('db6:3306: { dc: dc2 }', 'db6:3306: { dc: dc2, promotion: prefer }'));
    expect(p.ranking).toEqual(['db6:3306', 'db2:3306', 'db3:3306']);
  });
});

describe('MHA 0.58 on MariaDB', () => {
  it('does not start, so nothing is promoted and writes stall until someone acts', () => {
    const p = mha(mariadb);
    expect(p.promoted).toBeUndefined();
    expect(p.ranking).toEqual([]);
    expect(p.writeStallSeconds).toBeNull();
    expect(p.timeline.map((t) => `${t.at} ${t.kind} ${t.event}`)).toEqual([
      '0 failure db1:3306 fails',
      '0 recovery-failed no failover: masterha_manager is not running; writes stall until someone promotes a replica',
    ]);
    expect(p.notes[0]).toBe(
      'MHA 0.58 does not start on MariaDB: masterha_manager exits while reading the replicas\' version strings ("Redundant argument in sprintf at MHA/NodeUtil.pm line 195", with Perl 5.22 or later), so no MHA watches db1:3306',
    );
    expect(p.notes[1]).toContain('GTID failover mode = 0');
    expect(p.notes[1]).toContain('over SSH to every server');
    expect(p.notes[1]).toContain("Unknown system variable 'super_read_only'");
  });

  it('names what MHA would promote were those stops patched: its own selection, candidate_master first', () => {
    expect(mha(mariadb).notes[2]).toBe('with those stops patched, MHA would promote db3:3306');
  });

  it('stops at line 201 instead when the version string has exactly three numbers', () => {
    expect(mha(servers(mariadb, { version: '10.11.6-MariaDB' })).notes[0]).toContain('"Redundant argument in sprintf at MHA/NodeUtil.pm line 201"');
  });

  it("takes the policy's flavor where the topology does not say, and the servers' where it does", () => {
    expect(mha(servers(mariadb, { flavor: null }), CLUSTER.replace('mha:', 'flavor: mariadb\nmha:')).promoted).toBeUndefined();
    expect(mha(servers(mariadb, { flavor: null })).promoted).toBe('db3:3306');
    const mysql = servers(mariadb, { flavor: 'mysql', version: '8.0.36' });
    expect(mha(mysql, CLUSTER.replace('mha:', 'flavor: mariadb\nmha:')).promoted).toBe('db3:3306');
  });

  it('prints the stop in the text output', () => {
    const sim = simulateFailure(policy(CLUSTER), mariadb, undefined, ['mha']);
    const text = renderSimulation(mariadb, sim, ['db1:3306', 'db2:3306', 'db3:3306', 'db4:3306'], { color: false, check: [] });
    expect(text).toContain('  promoted: none — the failover fails\n');
    expect(text).toContain('  worst-case write stall: unbounded (until someone intervenes)\n');
    expect(text).toContain('  note: MHA 0.58 does not start on MariaDB');
  });
});
