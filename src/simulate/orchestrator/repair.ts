import { PROMOTION_ORDER } from '../../policy/candidates.js';
import type { FailureContext } from '../context.js';
import type { HostAfter } from '../model.js';
import type { SemiSyncRepair } from '../semisync.js';
import type { Reading } from './reads.js';

/**
 * orchestrator's LockedSemiSyncMaster recovery for `primary`, when it can happen: semi-sync
 * enforcement is on and orchestrator reads a wait count above 0 from the primary. MariaDB has no
 * wait-count variable and openark 3.2.6 does not read MySQL 8.0.26+'s renamed one: it reads 0
 * and never analyses a locked primary (go/inst/analysis_dao.go). It sees the lock once the
 * binlog position stood still for ReasonableLockedSemiSyncMasterSeconds, and may not act before
 * the anti-flapping block of `blockedFrom` (a failover it just ran) ends.
 */
export function lockedPrimaryRepair(
  ctx: FailureContext,
  primary: string,
  after: Map<string, HostAfter>,
  read: (key: string) => Reading,
  lockedAt: number,
  poll: number,
  blockedFrom?: number,
): SemiSyncRepair | undefined {
  const { cluster } = ctx;
  if (cluster.semiSync.enforcement === 'off') return undefined;
  const live = ctx.byKey.get(primary);
  if ((live?.flavor ?? cluster.flavor) === 'mariadb') return undefined;
  const release = ctx.deployment?.release ?? 'openark-3.2.6';
  if (live?.semiSync?.names === 'source/replica' && release.startsWith('openark')) return undefined;
  if (live?.semiSync?.waitForReplicaCount === 0) return undefined;
  const ranked = [...after.values()]
    .filter((h) => h.source === primary && h.replicating && read(h.key).priority > 0)
    .sort((a, b) => {
      const ra = read(a.key);
      const rb = read(b.key);
      return rb.priority - ra.priority || PROMOTION_ORDER[ra.rule] - PROMOTION_ORDER[rb.rule] || (a.key < b.key ? -1 : 1);
    })
    .map((h) => h.key);
  return {
    ranked,
    detectedAt: lockedAt + cluster.semiSync.lockedMasterSeconds + poll,
    ...(blockedFrom !== undefined ? { blockUntil: blockedFrom + cluster.antiFlapping.recoveryBlockSeconds } : {}),
    engine: 'orchestrator',
  };
}
