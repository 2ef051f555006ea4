import { describe, expect, it } from 'vitest';
import { simulateFailure } from '../../src/simulate/index.js';
import type { EnginePrediction, Simulation } from '../../src/simulate/model.js';
import { policy, recorded, withInstance } from './helpers.js';

// fixtures/mysql-six.json: db1 (dc1, semi-sync primary, GTID 1-5000), its direct replicas db2
// (semi-sync, 1-5000), db3 (1-4990), db4 (delayed an hour, 1-4200), db6 (dc2, 1-5000), and db5
// replicating from db3.
const six = recorded('mysql-six');

const HOSTS = `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: { dc: dc1 }
  db2:3306: { dc: dc1 }
  db3:3306: { dc: dc1 }
  db4:3306: { dc: dc1 }
  db5:3306: { dc: dc1, source: db3:3306 }
  db6:3306: { dc: dc2 }
`;

function engine(sim: Simulation, name: EnginePrediction['engine']): EnginePrediction {
  const p = sim.engines.find((e) => e.engine === name);
  if (!p) throw new Error(`no prediction for ${name}`);
  return p;
}

function reasons(p: EnginePrediction): Record<string, string[]> {
  return Object.fromEntries(p.excluded.map((e) => [e.key, e.reasons]));
}

describe('orchestrator', () => {
  it('promotes the most advanced valid direct replica, then hands over to a prefer host in the same DC', () => {
    const cluster = policy(HOSTS.replace('db3:3306: { dc: dc1 }', 'db3:3306: { dc: dc1, promotion: prefer }'));
    const sim = simulateFailure(cluster, six, undefined, ['orchestrator']);
    expect(sim.failed).toBe('db1:3306');
    expect(sim.failedRole).toBe('primary');
    const o = engine(sim, 'orchestrator');
    // db2 and db6 executed as far; the same DC as the failed primary breaks the tie; the delayed db4 is last.
    expect(o.ranking).toEqual(['db2:3306', 'db6:3306', 'db3:3306', 'db4:3306']);
    expect(o.promoted).toBe('db3:3306');
    expect(o.notes.join('\n')).toContain('first promotes db2:3306');
    expect(o.notes.join('\n')).toContain('hands over to db3:3306 (prefer, in dc1)');
  });

  it('keeps the most advanced replica when it is itself a prefer host in the failed primary\'s DC', () => {
    const cluster = policy(HOSTS.replace('db2:3306: { dc: dc1 }', 'db2:3306: { dc: dc1, promotion: prefer }').replace('db3:3306: { dc: dc1 }', 'db3:3306: { dc: dc1, promotion: prefer }'));
    const o = engine(simulateFailure(cluster, six, undefined, ['orchestrator']), 'orchestrator');
    expect(o.promoted).toBe('db2:3306');
    expect(o.notes.join('\n')).not.toContain('hands over');
  });

  it('hands over to a prefer host of another DC when no DC fence forbids it (SuggestReplacementForPromotedReplica step 5)', () => {
    const cluster = policy(HOSTS.replace('db6:3306: { dc: dc2 }', 'db6:3306: { dc: dc2, promotion: prefer }'));
    const o = engine(simulateFailure(cluster, six, undefined, ['orchestrator']), 'orchestrator');
    // db6 ties with db2 on position but loses the same-DC tie-break; being prefer, it takes over afterwards.
    expect(o.promoted).toBe('db6:3306');
    expect(o.notes.join('\n')).toContain('hands over to db6:3306 (prefer, in dc2)');
  });

  it('never hands over to a delayed replica, even a prefer one (CanReplicateFrom refuses a delayed source)', () => {
    const cluster = policy(HOSTS.replace('db4:3306: { dc: dc1 }', 'db4:3306: { dc: dc1, promotion: prefer }'));
    const o = engine(simulateFailure(cluster, six, undefined, ['orchestrator']), 'orchestrator');
    expect(o.promoted).toBe('db2:3306');
    expect(reasons(o)['db4:3306']).toContain('delay');
  });

  it('excludes must_not, role, blacklist and hosts outside the whitelist; with none left the recovery fails', () => {
    const cluster = policy(
      HOSTS.replace('db2:3306: { dc: dc1 }', 'db2:3306: { dc: dc1, promotion: must_not }').replace('db3:3306: { dc: dc1 }', 'db3:3306: { dc: dc1, role: reporting }') +
        'candidates:\n  whitelist: [db2:3306, db3:3306, db6:3306]\n  blacklist: [db6:3306]\n',
    );
    const sim = simulateFailure(cluster, six, undefined, ['orchestrator', 'cmon', 'mha']);
    for (const p of sim.engines) {
      expect(p.promoted, p.engine).toBeUndefined();
      expect(reasons(p)['db2:3306'], p.engine).toContain('must_not');
      expect(reasons(p)['db3:3306'], p.engine).toContain('role');
      expect(reasons(p)['db4:3306'], p.engine).toContain('whitelist');
      expect(reasons(p)['db5:3306'], p.engine).toEqual(['not-direct-replica']);
      expect(reasons(p)['db6:3306'], p.engine).toContain('blacklist');
      expect(p.writeStallSeconds, p.engine).toBeNull();
    }
    expect(engine(sim, 'orchestrator').timeline.map((t) => t.event).join('\n')).toContain('the recovery fails');
  });

  it('is vetoed by the DC fence: the only allowed replica is in another DC, so the failover fails', () => {
    const cluster = policy(`${HOSTS}datacenters: { preventCrossDatacenter: true }\ncandidates:\n  whitelist: [db6:3306]\n`);
    const o = engine(simulateFailure(cluster, six, undefined, ['orchestrator']), 'orchestrator');
    expect(o.promoted).toBeUndefined();
    expect(reasons(o)['db6:3306']).toContain('dc-fence');
    expect(o.notes.join('\n')).toContain('PreventCrossDataCenterMasterFailover vetoes db6:3306');
    expect(o.writeStallSeconds).toBeNull();
  });

  it('with a declared home DC, bans a replica outside it (must_not) instead of promoting and then vetoing it', () => {
    const cluster = policy(
      `${HOSTS.replace('db2:3306: { dc: dc1 }', 'db2:3306: { dc: dc1, promotion: prefer_not }').replace('db3:3306: { dc: dc1 }', 'db3:3306: { dc: dc1, promotion: prefer_not }').replace('db4:3306: { dc: dc1 }', 'db4:3306: { dc: dc1, role: delayed }')}datacenters: { home: dc1, preventCrossDatacenter: true }\n`,
    );
    // db2 fell behind, so db6 (dc2) executed furthest; the generated config gives it must_not.
    const t = withInstance(six, 'db2:3306', (i) => {
      i.gtid!.executed = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-4000';
    });
    const o = engine(simulateFailure(cluster, t, undefined, ['orchestrator']), 'orchestrator');
    expect(o.ranking[0]).toBe('db6:3306');
    expect(reasons(o)['db6:3306']).toEqual(['dc-fence']);
    expect(o.promoted).toBe('db3:3306');
    expect(o.notes.join('\n')).not.toContain('PreventCrossDataCenterMasterFailover');
  });

  it('promotes the only allowed replica although it is behind, loses the replicas ahead of it, and says what is lost', () => {
    const cluster = policy(`${HOSTS}candidates:\n  whitelist: [db3:3306]\n`);
    const t = withInstance(six, 'db3:3306', (i) => {
      i.replication!.sqlThread = 'no';
      i.replication!.lagSeconds = null;
    });
    const o = engine(simulateFailure(cluster, t, undefined, ['orchestrator']), 'orchestrator');
    expect(o.promoted).toBe('db3:3306');
    // db2 and db6 applied 1-5000, db3 only 1-4990: both are ahead of it and detached.
    expect(o.after.filter((h) => h.source?.startsWith('//')).map((h) => h.key)).toEqual(['db2:3306', 'db6:3306']);
    expect(o.after.find((h) => h.key === 'db4:3306')).toMatchObject({ source: 'db3:3306', replicating: true });
    expect(o.notes.join('\n')).toContain('db3:3306 is behind db2:3306: what only the replicas ahead of it applied is lost');
  });
});

describe('every engine', () => {
  it('never predicts the delayed replica or the replica of a replica, even when the policy whitelists and prefers them', () => {
    const cluster = policy(
      HOSTS.replace('db4:3306: { dc: dc1 }', 'db4:3306: { dc: dc1, promotion: prefer }').replace('db5:3306: { dc: dc1, source: db3:3306 }', 'db5:3306: { dc: dc1, promotion: prefer }') +
        'candidates:\n  whitelist: [db2:3306, db3:3306, db4:3306, db5:3306]\n',
    );
    const sim = simulateFailure(cluster, six, undefined, ['orchestrator', 'cmon', 'mha']);
    for (const p of sim.engines) {
      expect(p.promoted, p.engine).toBe('db2:3306');
      expect(p.ranking, p.engine).not.toContain('db5:3306');
      expect(reasons(p)['db5:3306'], p.engine).toEqual(['not-direct-replica']);
    }
    expect(reasons(engine(sim, 'mha'))['db4:3306']).toEqual(['delay']);
    // cmon does not exclude a delayed replica (it would wait for its relay log); it ranks it last.
    expect(engine(sim, 'cmon').ranking).toEqual(['db2:3306', 'db3:3306', 'db4:3306']);
  });

  it('simulates the loss of a replica without a promotion', () => {
    const cluster = policy(HOSTS);
    const sim = simulateFailure(cluster, six, 'db3:3306', ['orchestrator', 'mha']);
    expect(sim.failedRole).toBe('intermediate');
    for (const p of sim.engines) expect(p.promoted).toBeUndefined();
    expect(engine(sim, 'orchestrator').replacement).toBe('db2:3306');
    expect(engine(sim, 'orchestrator').after.find((h) => h.key === 'db5:3306')).toMatchObject({ source: 'db2:3306', replicating: true });
    expect(simulateFailure(cluster, six, 'db6:3306', ['cmon']).failedRole).toBe('replica');
  });
});

describe('cmon', () => {
  const mariadb = recorded('mariadb-errant');
  const MARIA = `kind: cluster
name: inventory
primary: db1:3306
cmon: { clusterId: 2 }
hosts:
  db1:3306: { dc: dc1 }
  db2:3306: { dc: dc1, promotion: prefer }
  db3:3306: { dc: dc1 }
  db4:3306: { dc: dc1 }
`;

  it('considers only whitelisted hosts (exclusive), and skips one with errant GTIDs', () => {
    const cluster = policy(`${MARIA}candidates:\n  whitelist: [db2:3306, db3:3306]\n`);
    const sim = simulateFailure(cluster, mariadb, undefined, ['cmon', 'orchestrator']);
    const c = engine(sim, 'cmon');
    // db4 executed as far as the primary but is not whitelisted; db2 is ahead only by its errant transaction.
    expect(reasons(c)).toEqual({ 'db2:3306': ['errant-gtid'], 'db4:3306': ['whitelist'] });
    expect(c.promoted).toBe('db3:3306');
    // orchestrator only uses errant GTIDs as a tie-breaker: it promotes the most advanced replica.
    expect(engine(sim, 'orchestrator').promoted).toBe('db2:3306');
  });

  it('may promote a host the policy does not declare when there is no whitelist; orchestrator reads no row for it (must_not)', () => {
    const undeclared = policy(MARIA.replace('  db4:3306: { dc: dc1 }\n', ''));
    const sim = simulateFailure(undeclared, mariadb, undefined, ['cmon', 'orchestrator']);
    expect(reasons(engine(sim, 'cmon'))['db4:3306']).toBeUndefined();
    expect(engine(sim, 'cmon').ranking).toContain('db4:3306');
    expect(reasons(engine(sim, 'orchestrator'))['db4:3306']).toContain('undeclared');
  });

  it('fails the failover when no whitelisted host is usable', () => {
    const cluster = policy(`${MARIA}candidates:\n  whitelist: [db2:3306]\n`);
    const c = engine(simulateFailure(cluster, mariadb, undefined, ['cmon']), 'cmon');
    expect(c.promoted).toBeUndefined();
    expect(c.ranking).toEqual([]);
    expect(c.timeline.map((t) => t.event)).toContain('cmon finds no whitelisted replica to promote: the failover fails');
    expect(c.writeStallSeconds).toBeNull();
  });

  it('without a whitelist, promotes the most advanced replica without errant transactions', () => {
    const c = engine(simulateFailure(policy(MARIA), mariadb, undefined, ['cmon']), 'cmon');
    expect(c.promoted).toBe('db4:3306');
    expect(c.ranking).toEqual(['db4:3306', 'db3:3306']);
  });

  it('does not fail over when cluster auto-recovery is off', () => {
    const cluster = policy(MARIA.replace('cmon: { clusterId: 2 }', 'cmon: { clusterId: 2, autoRecovery: { cluster: false, node: true } }'));
    const c = engine(simulateFailure(cluster, mariadb, undefined, ['cmon']), 'cmon');
    expect(c.promoted).toBeUndefined();
    expect(c.notes.join('\n')).toContain('enable_cluster_autorecovery is off');
  });
});

describe('MHA', () => {
  // fixtures/mysql-upgrade.json: a 5.7 cluster whose most advanced replica db2 already runs 8.0.
  const upgrade = recorded('mysql-upgrade');
  const UPGRADE = `kind: cluster
name: legacy
primary: db1:3306
mha: { enabled: true }
hosts:
  db1:3306: { dc: dc1 }
  db2:3306: { dc: dc1, promotion: prefer }
  db3:3306: { dc: dc1 }
  db4:3306: { dc: dc1 }
`;

  it('promotes only among the replicas of the oldest major version', () => {
    const sim = simulateFailure(policy(UPGRADE), upgrade, undefined, ['mha', 'orchestrator', 'cmon']);
    const m = engine(sim, 'mha');
    expect(reasons(m)).toEqual({ 'db2:3306': ['version'] });
    expect(m.promoted).toBe('db3:3306');
    // orchestrator excludes a major version above the most common one among the siblings, too.
    expect(engine(sim, 'orchestrator').promoted).toBe('db3:3306');
    // cmon documents no version check: it takes the most advanced.
    expect(engine(sim, 'cmon').promoted).toBe('db2:3306');
  });

  it('counts major and minor as the "major version", as MHA and orchestrator do: 8.4 is newer than 8.0', () => {
    const t = withInstance(six, 'db2:3306', (i) => {
      i.version = { text: '8.4.3', major: 8, minor: 4, patch: 3 };
    });
    const sim = simulateFailure(policy(HOSTS), t, undefined, ['mha', 'orchestrator']);
    for (const p of sim.engines) {
      expect(reasons(p)['db2:3306'], p.engine).toContain('version');
      // db6 executed as far as db2 and is the next most advanced
      expect(p.promoted, p.engine).toBe('db6:3306');
    }
  });

  it('does not exclude a replica whose SQL thread is stopped (it applies the relay log itself), but does a delayed one', () => {
    const t = withInstance(upgrade, 'db3:3306', (i) => {
      i.replication!.sqlThread = 'no';
    });
    const delayed = withInstance(t, 'db4:3306', (i) => {
      i.replication!.sqlDelay = 900;
    });
    const m = engine(simulateFailure(policy(UPGRADE), delayed, undefined, ['mha']), 'mha');
    expect(reasons(m)).toEqual({ 'db2:3306': ['version'], 'db4:3306': ['delay'] });
    expect(m.promoted).toBe('db3:3306');
  });
});
