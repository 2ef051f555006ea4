import { standings, type ExclusionReason } from '../policy/candidates.js';
import type { ClusterPolicy, HostPolicy } from '../policy/model.js';

/**
 * Reasons that make a host unpromotable no matter what the live topology looks like. "primary"
 * and "not-direct-replica" are left out: both change with the topology, and every engine
 * re-evaluates them at failover time.
 */
const STATIC_REASONS: ReadonlySet<ExclusionReason> = new Set(['not-whitelisted', 'blacklisted', 'role', 'must-not', 'outside-home-dc']);

export interface HostVerdict {
  host: HostPolicy;
  /** Static reasons the policy gives for never promoting the host; empty when it may be promoted. */
  reasons: ExclusionReason[];
}

/** Every host of the cluster with its static exclusion reasons, in host-key order. */
export function verdicts(cluster: ClusterPolicy): HostVerdict[] {
  return standings(cluster)
    .map((s) => ({ host: s.host, reasons: s.reasons.filter((r) => STATIC_REASONS.has(r)) }))
    .sort((a, b) => (a.host.key < b.host.key ? -1 : a.host.key > b.host.key ? 1 : 0));
}
