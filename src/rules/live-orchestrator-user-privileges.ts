import { defineRule } from './rule.js';
import { promotable } from '../policy/candidates.js';
import type { ClusterPolicy, HostPolicy } from '../policy/model.js';
import type { Instance } from '../topology/model.js';
import { lackingFor, type Capability, type Lacking } from '../topology/privileges.js';

export default defineRule({
  id: 'live-orchestrator-user-privileges',
  severity: 'error',
  description: "orchestrator's topology user cannot log in to a server of the cluster, or lacks a privilege a recovery needs there: orchestrator records a successful recovery that leaves the servers half-changed.",
  scope: 'live',
  check({ cluster, view }) {
    if (!cluster.orchestrator) return [];
    const candidates = new Set(promotable(cluster).map((h) => h.key));
    return cluster.hosts.flatMap((h) => {
      const i = view.byKey.get(h.key);
      const u = i?.orchestratorUser;
      if (!i?.reachable || !u) return [];
      const at = { file: cluster.file, path: ['hosts', h.written], target: 'key' as const };
      if (u.error !== undefined) {
        return [{ ...at, message: `orchestrator's topology user ${u.user} cannot log in to ${h.key} (${u.error}): orchestrator can neither read nor change this server, so no recovery can promote it or move it under a new primary.`, hint: 'Create the account for the host orchestrator connects from, with the password of its MySQLTopologyCredentialsConfigFile.' }];
      }
      const lacking = needs(cluster, h, i, candidates).filter((c) => u.may?.[c] === false);
      if (lacking.length === 0) return [];
      const named = i.flavor === undefined ? [] : lackingFor(i.flavor, i.version, u.missing ?? [], lacking);
      return [
        {
          ...at,
          message:
            `orchestrator's topology user ${u.user} lacks ${describe(named, u.missing ?? [])} on ${h.key}. ` +
            'In a recovery orchestrator still picks a successor and records the recovery as successful, but those statements fail (error 1227) and the servers are left half-changed: observed, a promoted server that stays read-only and replicas that still point at the dead primary.',
          hint:
            named.length > 0
              ? `On every server of the cluster: GRANT ${named.map((l) => l.privilege).join(', ')} ON *.* TO '${u.user}'@'<orchestrator's host>';`
              : "docs/topology.md lists what orchestrator's user needs per flavor and version.",
        },
      ];
    });
  },
});

/** `RELOAD (RESET SLAVE ALL), READ_ONLY ADMIN (SET GLOBAL read_only)`; the bare list for a server of unknown flavor. */
function describe(named: Lacking[], missing: readonly string[]): string {
  if (named.length === 0) return missing.join(', ') || 'a privilege';
  return named.map((l) => `${l.privilege} (${l.statements.join(', ')}${l.instead.length > 0 ? `; or ${l.instead.join(', ')}` : ''})`).join(', ');
}

/**
 * What a recovery asks of orchestrator's user on this server: every server may be re-pointed;
 * the primary and the candidates have `read_only` flipped; semi-sync is switched only on servers
 * with a priority (orchestrator turns the source side on for a promoted one before clearing
 * `read_only`, and enables the replica side), and with `exact` enforcement also turned off where
 * it is on without one.
 */
function needs(cluster: ClusterPolicy, h: HostPolicy, i: Instance, candidates: Set<string>): Capability[] {
  const out: Capability[] = ['replication'];
  if (h.key === cluster.primary || candidates.has(h.key)) out.push('readOnly');
  if (h.semiSyncPriority > 0) out.push('semiSyncSource', 'semiSyncReplica');
  else if (cluster.semiSync.enforcement === 'exact' && i.semiSync?.replicaEnabled === true) out.push('semiSyncReplica');
  return out;
}
