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
  it('with exact enforcement, enables the highest-priority replica it moves under the new primary: the wait count is met', () => {
    const cluster = policy(SEMI('  waitForReplicaCount: 1\n  enforcement: exact\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30'));
    const [o] = simulateFailure(cluster, six, undefined, ['orchestrator']).engines;
    expect(o!.promoted).toBe('db2:3306');
    expect(o!.semiSync).toEqual({ inUse: true, waitForReplicaCount: 1, ackers: ['db3:3306'], met: true, primaryEnabled: true });
    expect(o!.writeStallSeconds).toBe(5);
  });

  it('with recover-locked ("enough") or legacy enforcement, enables moved replicas with a priority too', () => {
    for (const enforcement of ['recover-locked', 'off']) {
      const cluster = policy(SEMI(`  waitForReplicaCount: 1\n  enforcement: ${enforcement}\n  lockedMasterSeconds: 60`, '  recoveryBlockSeconds: 30'));
      const [o] = simulateFailure(cluster, six, undefined, ['orchestrator']).engines;
      expect(o!.semiSync.ackers, enforcement).toEqual(['db3:3306']);
      expect(o!.semiSync.met, enforcement).toBe(true);
    }
  });

  // The acknowledging replica db5 replicates from db3, the host that takes over: the regroup does not
  // restart it, so nothing enables it until orchestrator repairs the locked primary. db2 (priority 0)
  // is moved under db3 and has semi-sync disabled by exact enforcement.
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
  /** The semi-sync timeout of db3, the host that takes over in these cases, set to `ms`. */
  const timeout = (ms: number) =>
    withInstance(six, 'db3:3306', (i) => {
      i.semiSync!.timeoutMs = ms;
    });

  it('blocks the repair of a locked new primary until the anti-flapping block ends (recoveryBlockSeconds ≥ lockedMasterSeconds)', () => {
    const [o] = simulateFailure(BELOW('  recoveryBlockSeconds: 600'), timeout(3_600_000), undefined, ['orchestrator']).engines;
    expect(o!.promoted).toBe('db3:3306');
    expect(o!.semiSync).toEqual({ inUse: true, waitForReplicaCount: 1, ackers: [], met: false, primaryEnabled: true });
    expect(at(o!, 'waits for 1 semi-sync acknowledgement(s) but only 0')).toBe(5);
    // detected after lockedMasterSeconds plus one poll, counted from the promotion at +5 s
    expect(at(o!, 'detects LockedSemiSyncMaster')).toBe(70);
    expect(at(o!, 'repair blocked by the anti-flapping period (RecoveryPeriodBlockSeconds) until 605s')).toBe(70);
    expect(at(o!, 'enables semi-sync on db5:3306; writes resume')).toBe(605);
    expect(o!.writeStallSeconds).toBe(605);
  });

  it('lets the semi-sync timeout end the stall first when it expires before the block does', () => {
    const [o] = simulateFailure(BELOW('  recoveryBlockSeconds: 600'), six, undefined, ['orchestrator']).engines;
    expect(at(o!, 'rpl_semi_sync_master_timeout expires first')).toBe(125);
    expect(o!.writeStallSeconds).toBe(125);
  });

  it('repairs as soon as the lock is detected when the block is shorter than the detection', () => {
    const [o] = simulateFailure(BELOW('  recoveryBlockSeconds: 30'), timeout(3_600_000), undefined, ['orchestrator']).engines;
    expect(o!.timeline.some((t) => t.event.includes('repair blocked'))).toBe(false);
    expect(at(o!, 'enables semi-sync on db5:3306')).toBe(70);
    expect(o!.writeStallSeconds).toBe(70);
  });

  it('cannot repair when too few replicas with a priority remain: the stall lasts until the timeout, or is unbounded', () => {
    const cluster = policy(SEMI('  waitForReplicaCount: 2\n  enforcement: exact\n  lockedMasterSeconds: 60', '  recoveryBlockSeconds: 30'));
    const [o] = simulateFailure(cluster, six, undefined, ['orchestrator']).engines;
    expect(o!.semiSync.ackers).toEqual(['db3:3306']);
    expect(o!.semiSync.met).toBe(false);
    expect(at(o!, 'only 1 replica(s) with semiSyncPriority > 0 are left to enable')).toBe(125);
    expect(o!.writeStallSeconds).toBe(125);
    const unknown = withInstance(six, 'db2:3306', (i) => {
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
    expect(each.worst).toEqual({ failed: 'db2:3306', engine: 'orchestrator', writeStallSeconds: 65 });
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
