import { PROMOTION_ORDER } from '../policy/candidates.js';
import type { ClusterPolicy, HostPolicy } from '../policy/model.js';
import type { Instance } from '../topology/model.js';

/**
 * The replicas orchestrator's exact enforcement enables: the first `waitForReplicaCount` of the
 * replicating direct replicas with priority > 0, ordered by priority (descending), promotion rule,
 * then host key.
 */
export function expectedAckers(cluster: ClusterPolicy, primary: string, live: Map<string, Instance>): HostPolicy[] {
  const eligible = cluster.hosts.filter((h) => {
    const i = live.get(h.key);
    return h.key !== primary && h.semiSyncPriority > 0 && i?.reachable === true && i.source === primary && i.replication?.ioThread === 'yes' && i.replication.sqlThread === 'yes';
  });
  eligible.sort(
    (a, b) =>
      b.semiSyncPriority - a.semiSyncPriority ||
      PROMOTION_ORDER[a.promotion] - PROMOTION_ORDER[b.promotion] ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return eligible.slice(0, cluster.semiSync.waitForReplicaCount);
}

/** Seconds orchestrator needs at most to see a locked primary: the detection window plus one poll. */
export const ORCHESTRATOR_POLL_SECONDS = 5;
