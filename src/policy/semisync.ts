import type { ClusterPolicy } from './model.js';

/**
 * Whether the policy relies on semi-sync at all: orchestrator manages it, or some replica has a
 * priority (orchestrator then enables semi-sync on it whenever it starts replication).
 */
export function usesSemiSync(cluster: ClusterPolicy): boolean {
  return cluster.semiSync.enforcement !== 'off' || cluster.hosts.some((h) => h.semiSyncPriority > 0);
}
