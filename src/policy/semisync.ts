import type { ClusterPolicy } from './model.js';

/**
 * Whether the policy relies on semi-sync at all: orchestrator manages it, or some replica has a
 * priority (orchestrator then enables semi-sync on it whenever it starts replication).
 */
export function usesSemiSync(cluster: ClusterPolicy): boolean {
  return cluster.semiSync.enforcement !== 'off' || cluster.hosts.some((h) => h.semiSyncPriority > 0);
}

/**
 * What semi-sync enforcement does under orchestrator on MariaDB (observed with orchestrator 3.2.6):
 * said alike by the static rule (the policy's flavor) and the live one (the servers').
 */
export const MARIADB_ENFORCEMENT_EFFECT =
  'with enforcement on, orchestrator does not enable semi-sync on the replicas it moves in a failover, and as MariaDB has no ' +
  'rpl_semi_sync_master_wait_for_slave_count it reads a wait count of 0 and never detects or repairs a locked primary. It turns ' +
  'rpl_semi_sync_master_enabled on on the new primary (its semiSyncPriority is above 0), and unless one of its replicas already had ' +
  'rpl_semi_sync_slave_enabled on, none acknowledges: after every failover each write blocks until rpl_semi_sync_master_timeout.';

export const MARIADB_ENFORCEMENT_HINT =
  'Set semiSync.enforcement to off: orchestrator then enables semi-sync on each replica it moves that has a semiSyncPriority above 0 and is not must_not.';
