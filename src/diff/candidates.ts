import { standings, type ExclusionReason, type HostStanding } from '../policy/candidates.js';
import type { ClusterPolicy } from '../policy/model.js';
import type { CandidateChange } from './model.js';

function reasonText(s: HostStanding, cluster: ClusterPolicy, r: ExclusionReason): string {
  switch (r) {
    case 'primary':
      return 'the primary';
    case 'not-whitelisted':
      return 'not on the whitelist';
    case 'blacklisted':
      return 'blacklisted';
    case 'role':
      return `role ${s.host.role}`;
    case 'must-not':
      return 'promotion must_not';
    case 'outside-home-dc':
      return `DC fence: ${s.host.dc ?? 'no dc'} is not ${cluster.datacenters.home}`;
    case 'not-direct-replica':
      return `not a direct replica (replicates from ${s.host.source ?? 'nothing'})`;
  }
}

/** Host key → reasons, in words, it is not a candidate (empty: it is one). */
export function candidateReasons(cluster: ClusterPolicy | undefined): Map<string, string[]> {
  if (!cluster) return new Map();
  return new Map(standings(cluster).map((s) => [s.host.key, s.reasons.map((r) => reasonText(s, cluster, r))]));
}

/**
 * Hosts that became or stopped being candidates of the policy, each with the reasons it is not one
 * on the other side (the whitelist, a role, the DC fence, the promotion level, ...), by host key.
 */
export function candidateChanges(before: ClusterPolicy | undefined, after: ClusterPolicy | undefined): CandidateChange[] {
  const b = candidateReasons(before);
  const a = candidateReasons(after);
  const out: CandidateChange[] = [];
  for (const host of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const was = b.get(host)?.length === 0;
    const is = a.get(host)?.length === 0;
    if (was === is) continue;
    const other = is ? b.get(host) : a.get(host);
    const missing = before === undefined || after === undefined ? 'the cluster does not exist' : 'not a host of the cluster';
    out.push({ host, change: is ? 'added' : 'removed', reasons: other ?? [missing] });
  }
  return out;
}
