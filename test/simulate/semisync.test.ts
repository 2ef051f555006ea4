import { describe, expect, it } from 'vitest';
import { simulateEachSingleFailure, simulateFailure } from '../../src/simulate/index.js';
import type { EnginePrediction } from '../../src/simulate/model.js';
import { policy, recorded, withInstance } from './helpers.js';

// fixtures/mysql-six.json: db1 is a semi-sync primary (wait count 1, timeout 120 s) and db2 its only
// semi-sync replica; db3, db4 (delayed), db6 (dc2) are asynchronous direct replicas; db5 replicates from db3.
// Every server has both plugins loaded with a 120 s timeout: after a failover the new primary's own
// rpl_semi_sync_master_timeout decides when it gives up waiting.
const six = recorded('mysql-six');

const SEMI = (semiSync: string, antiFlapping: string) => `kind: cluster
name: shop
primary: db1:3306
orchestrator: { deployment: main }
hosts:
  db1:3306: { dc: dc1, semiSyncPriority: 100 }
  db2:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }
  db3:3306: { dc: dc1, semiSyncPriority: 50 }
  db4:3306: { dc: dc1, role: delayed }
  db5:3306: { dc: dc1, source: db3:3306 }
  db6:3306: { dc: dc2, promotion: must_not }
semiSync:
${semiSync}
antiFlapping:
${antiFlapping}
`;

function at(p: EnginePrediction, text: string): number | undefined {
  return p.timeline.find((t) => t.event.includes(text))?.at;
}

describe('semi-sync after a failover (orchestrator)', () => {
  // Without a fleet the deployment is unknown: InstancePollSeconds 5, so detection is expected at
  // +6 s and the promotion at +7 s, at the latest +10 s and +13 s.
  it('with either enforcement flag on, leaves the replicas it moves as they were: none acknowledges until orchestrator repairs the locked primary (MySQL)', () => {
    for (const enforcement of ['exact', 'recover-locked']) {
      const cluster = policy(SEMI(`  waitForReplicaCount: 1\n  enforcement: ${enforcement}\n  lockedMasterSeconds: 60`, '  recoveryBlockSeconds: 30'));
      const [o] = simulateFailure(cluster, six, undefined, ['orchestrator']).engines;
      expect(o!.promoted, enforcement).toBe('db2:3306');
      // db3 (priority 50) is not a replica of db2 yet when orchestrator decides, so it takes no action on it.
      expect(o!.semiSync, enforcement).toEqual({ inUse: true, waitForReplicaCount: 1, ackers: [], met: false, primaryEnabled: true, blockedSeconds: 65 });
      expect(at(o!, 'detects LockedSemiSyncMaster'), enforcement).toBe(72);
      expect(at(o!, 'enables semi-sync on db3:3306; writes resume'), enforcement).toBe(72);
      expect(o!.writeStallSeconds, enforcement).toBe(13 + 65);
    }
  });

  it('with both flags off (legacy), turns semi-sync on for every moved replica with a priority that is not must_not', () => {
    const cluster = policy(SEMI('  waitForReplicaCount: 1\n  enforcement: off\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30'));
    const [o] = simulateFailure(cluster, six, undefined, ['orchestrator']).engines;
    expect(o!.semiSync).toEqual({ inUse: true, waitForReplicaCount: 1, ackers: ['db3:3306'], met: true, primaryEnabled: true, blockedSeconds: 0 });
    expect(o!.after.find((h) => h.key === 'db3:3306')).toMatchObject({ source: 'db2:3306', replicating: true, semiSyncReplica: true });
    expect(o!.writeStallSeconds).toBe(13);
  });

  it('with both flags off, turns it off on a moved replica the policy bars (must_not): the new primary waits for an acknowledgement nobody sends', () => {
    const cluster = policy(`${SEMI('  waitForReplicaCount: 1\n  enforcement: off\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30')}candidates: { whitelist: [db3:3306] }\n`);
    // db3 caught up with db2, so db2 is not ahead of it and is moved under it.
    const tied = withInstance(six, 'db3:3306', (i) => {
      i.gtid!.executed = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5000';
    });
    const [o] = simulateFailure(cluster, tied, undefined, ['orchestrator']).engines;
    expect(o!.promoted).toBe('db3:3306');
    expect(o!.after.find((h) => h.key === 'db2:3306')).toMatchObject({ source: 'db3:3306', replicating: true, semiSyncReplica: false });
    expect(o!.semiSync).toMatchObject({ ackers: [], met: false, primaryEnabled: true, blockedSeconds: 120 });
    expect(at(o!, 'nothing repairs semi-sync; rpl_semi_sync_master_timeout expires')).toBe(127);
  });

  it('loses a replica that is ahead of the one it promotes: it is detached, not moved', () => {
    const cluster = policy(`${SEMI('  waitForReplicaCount: 1\n  enforcement: off\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30')}candidates: { whitelist: [db3:3306] }\n`);
    const [o] = simulateFailure(cluster, six, undefined, ['orchestrator']).engines;
    expect(o!.promoted).toBe('db3:3306');
    expect(o!.after.find((h) => h.key === 'db2:3306')).toMatchObject({ source: '//db1:3306', replicating: false });
    expect(o!.notes.join('\n')).toContain('db2:3306 is lost: it is ahead of db3:3306; orchestrator detaches it');
  });

  it('on MariaDB, never repairs a locked primary: orchestrator reads a wait count of 0', () => {
    const cluster = policy(SEMI('  waitForReplicaCount: 1\n  enforcement: exact\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30'));
    const maria = withInstance(six, 'db2:3306', (i) => {
      i.flavor = 'mariadb';
      delete i.semiSync!.waitForReplicaCount;
    });
    const [o] = simulateFailure(cluster, maria, undefined, ['orchestrator']).engines;
    expect(o!.timeline.some((t) => t.event.includes('LockedSemiSyncMaster'))).toBe(false);
    expect(o!.semiSync.blockedSeconds).toBe(120);
  });

  // The acknowledging replica db5 replicates from db3, the host that takes over: the regroup does not
  // restart it, so nothing enables it until orchestrator repairs the locked primary. db2 (priority 0,
  // its replica side off here) is moved under db3, and exact enforcement takes no action on it.
  const BELOW = (antiFlapping: string) =>
    policy(`kind: cluster
name: shop
primary: db1:3306
orchestrator: { deployment: main }
hosts:
  db1:3306: { dc: dc1, semiSyncPriority: 100 }
  db2:3306: { dc: dc1 }
  db3:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }
  db4:3306: { dc: dc1, role: delayed }
  db5:3306: { dc: dc1, source: db3:3306, semiSyncPriority: 50 }
  db6:3306: { dc: dc2, promotion: must_not }
semiSync:
  waitForReplicaCount: 1
  enforcement: exact
  lockedMasterSeconds: 60
antiFlapping:
${antiFlapping}
`);
  /** six with db2's replica side off and the semi-sync timeout of db3, the host that takes over, set to `ms`. */
  const timeout = (ms: number) =>
    withInstance(
      withInstance(six, 'db2:3306', (i) => {
        i.semiSync!.replicaEnabled = false;
      }),
      'db3:3306',
      (i) => {
        i.semiSync!.timeoutMs = ms;
      },
    );

  it('blocks the repair of a locked new primary until the anti-flapping block ends (recoveryBlockSeconds ≥ lockedMasterSeconds)', () => {
    const [o] = simulateFailure(BELOW('  recoveryBlockSeconds: 600'), timeout(3_600_000), undefined, ['orchestrator']).engines;
    expect(o!.promoted).toBe('db3:3306');
    expect(o!.semiSync).toEqual({ inUse: true, waitForReplicaCount: 1, ackers: [], met: false, primaryEnabled: true, blockedSeconds: 600 });
    expect(at(o!, 'waits for 1 semi-sync acknowledgement(s) but only 0')).toBe(7);
    // detected after lockedMasterSeconds plus one poll, counted from the promotion at +7 s
    expect(at(o!, 'detects LockedSemiSyncMaster')).toBe(72);
    expect(at(o!, 'repair blocked by the anti-flapping period (RecoveryPeriodBlockSeconds) until 607s')).toBe(72);
    expect(at(o!, 'enables semi-sync on db5:3306; writes resume')).toBe(607);
    // the worst case counts from the latest promotion (+13 s)
    expect(o!.writeStallSeconds).toBe(613);
  });

  it('lets the semi-sync timeout end the stall first when it expires before the block does', () => {
    const [o] = simulateFailure(BELOW('  recoveryBlockSeconds: 600'), timeout(120_000), undefined, ['orchestrator']).engines;
    expect(at(o!, 'rpl_semi_sync_master_timeout expires first')).toBe(127);
    expect(o!.writeStallSeconds).toBe(133);
  });

  it('repairs as soon as the lock is detected when the block is shorter than the detection', () => {
    const [o] = simulateFailure(BELOW('  recoveryBlockSeconds: 30'), timeout(3_600_000), undefined, ['orchestrator']).engines;
    expect(o!.timeline.some((t) => t.event.includes('repair blocked'))).toBe(false);
    expect(at(o!, 'enables semi-sync on db5:3306')).toBe(72);
    expect(o!.writeStallSeconds).toBe(78);
  });

  it('cannot repair when too few replicas with a priority remain: the stall lasts until the timeout, or is unbounded', () => {
    const cluster = policy(SEMI('  waitForReplicaCount: 2\n  enforcement: exact\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30'));
    // The wait count that counts is the new primary's own setting.
    const waitsForTwo = withInstance(six, 'db2:3306', (i) => {
      i.semiSync!.waitForReplicaCount = 2;
    });
    const [o] = simulateFailure(cluster, waitsForTwo, undefined, ['orchestrator']).engines;
    expect(o!.semiSync.ackers).toEqual([]);
    expect(o!.semiSync.met).toBe(false);
    expect(at(o!, 'only 1 replica(s) with semiSyncPriority > 0 are left to enable')).toBe(127);
    expect(o!.writeStallSeconds).toBe(133);
    const unknown = withInstance(waitsForTwo, 'db2:3306', (i) => {
      delete i.semiSync!.timeoutMs;
    });
    const [u] = simulateFailure(cluster, unknown, undefined, ['orchestrator']).engines;
    expect(u!.writeStallSeconds).toBeNull();
  });
});

describe('--each-single-failure', () => {
  const cluster = policy(SEMI('  waitForReplicaCount: 1\n  enforcement: exact\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30'));

  it('simulates the loss of every host of the cluster, and names the longest stall', () => {
    const each = simulateEachSingleFailure(cluster, six, ['orchestrator']);
    expect(each.simulations.map((s) => `${s.failed} ${s.failedRole}`)).toEqual([
      'db1:3306 primary',
      'db2:3306 replica',
      'db3:3306 intermediate',
      'db4:3306 replica',
      'db5:3306 replica',
      'db6:3306 replica',
    ]);
    // Losing db2, the only semi-sync replica, locks db1 until orchestrator sees it (60 s + a poll) and enables db3.
    const db2 = each.simulations.find((s) => s.failed === 'db2:3306')!.engines[0]!;
    expect(at(db2, 'enables semi-sync on db3:3306')).toBe(65);
    expect(db2.writeStallSeconds).toBe(65);
    // Losing db1 is worse: the moved db3 is left alone by exact enforcement, so the new primary db2 waits for the same repair after the promotion.
    expect(each.worst).toEqual({ failed: 'db1:3306', engine: 'orchestrator', writeStallSeconds: 78 });
  });

  it('counts an engine that does not manage semi-sync: it waits for the timeout', () => {
    const each = simulateEachSingleFailure(cluster, six, ['orchestrator', 'cmon']);
    expect(each.worst).toEqual({ failed: 'db2:3306', engine: 'cmon', writeStallSeconds: 120 });
  });

  it('ranks an unbounded stall worst', () => {
    const unknown = withInstance(six, 'db1:3306', (i) => {
      delete i.semiSync!.timeoutMs;
    });
    const each = simulateEachSingleFailure(cluster, unknown, ['orchestrator', 'cmon']);
    expect(each.worst).toEqual({ failed: 'db2:3306', engine: 'cmon', writeStallSeconds: null });
  });
});
