import type { ClusterPolicy, HostPolicy, PromotionLevel } from './model.js';

/** Why the policy keeps a host from being promoted. */
export type ExclusionReason =
  | 'primary'
  | 'not-whitelisted'
  | 'blacklisted'
  | 'role'
  | 'must-not'
  | 'outside-home-dc'
  | 'not-direct-replica';

export interface HostStanding {
  host: HostPolicy;
  reasons: ExclusionReason[];
}

/** orchestrator's promotion rule order: lower is better. */
export const PROMOTION_ORDER: Record<PromotionLevel, number> = { prefer: 1, neutral: 2, prefer_not: 3, must_not: 4 };

/** Every host with the reasons (possibly none) the policy gives for never promoting it. */
export function standings(cluster: ClusterPolicy): HostStanding[] {
  const whitelist = cluster.candidates.whitelist && new Set(cluster.candidates.whitelist.map((r) => r.key));
  const blacklist = new Set(cluster.candidates.blacklist.map((r) => r.key));
  const { home, preventCrossDatacenter } = cluster.datacenters;
  return cluster.hosts.map((host) => {
    const reasons: ExclusionReason[] = [];
    if (host.key === cluster.primary) reasons.push('primary');
    else if (host.source !== cluster.primary) reasons.push('not-direct-replica');
    if (whitelist && !whitelist.has(host.key)) reasons.push('not-whitelisted');
    if (blacklist.has(host.key)) reasons.push('blacklisted');
    if (host.role) reasons.push('role');
    if (host.promotion === 'must_not') reasons.push('must-not');
    if (preventCrossDatacenter && home !== undefined && host.dc !== home) reasons.push('outside-home-dc');
    return { host, reasons };
  });
}

/** Hosts the policy allows to take over from the primary. */
export function promotable(cluster: ClusterPolicy): HostPolicy[] {
  return standings(cluster)
    .filter((s) => s.reasons.length === 0)
    .map((s) => s.host);
}

/**
 * Orders candidates the way the policy ranks them when the topology is not known: promotion
 * level, then semi-sync priority (higher first), then host key. Live data (how far each replica
 * got) comes first in the engines; `simulate` models that.
 */
export function rankCandidates(hosts: readonly HostPolicy[]): HostPolicy[] {
  return [...hosts].sort(
    (a, b) =>
      PROMOTION_ORDER[a.promotion] - PROMOTION_ORDER[b.promotion] ||
      b.semiSyncPriority - a.semiSyncPriority ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/** The host the policy prefers as the next primary, if any host is promotable. */
export function preferredCandidate(cluster: ClusterPolicy): HostPolicy | undefined {
  return rankCandidates(promotable(cluster))[0];
}

/**
 * Direct replicas of `primary` able to acknowledge semi-sync writes (priority > 0). After a
 * failover from `failed` to `primary`, the failed primary's other replicas are moved under the new
 * one, so they count too.
 */
export function semiSyncAckers(cluster: ClusterPolicy, primary: string, failed?: string): HostPolicy[] {
  return cluster.hosts.filter(
    (h) =>
      h.key !== primary &&
      h.key !== failed &&
      h.semiSyncPriority > 0 &&
      (h.source === primary || (failed !== undefined && h.source === failed)),
  );
}
