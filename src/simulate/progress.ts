import { parseMariaDbGtidPos, parseMySqlGtidSet, type Instance } from '../topology/model.js';

/**
 * How many of the failed primary's transactions a replica has applied, from its executed GTIDs:
 * MariaDB the sequence in the primary's domain, MySQL the number of transactions from the
 * primary's server UUID. Undefined when the topology does not tell.
 */
export function appliedFrom(replica: Instance, primary: Instance): bigint | undefined {
  const g = replica.gtid;
  if (!g) return undefined;
  if (g.flavor === 'mariadb') {
    const pos = parseMariaDbGtidPos(g.executed);
    if (!pos) return undefined;
    const domain = primary.gtid?.domainId ?? 0;
    return pos.find((p) => p.domainId === domain)?.sequence ?? 0n;
  }
  const set = parseMySqlGtidSet(g.executed);
  if (!set || !primary.serverUuid) return undefined;
  return (set.get(primary.serverUuid.toLowerCase()) ?? []).reduce((n, iv) => n + (iv.end - iv.start + 1n), 0n);
}

/** Orders replicas most advanced first; unknown progress sorts by lag, then delay. */
export function compareProgress(a: Instance, b: Instance, primary: Instance): number {
  const pa = appliedFrom(a, primary);
  const pb = appliedFrom(b, primary);
  if (pa !== undefined && pb !== undefined && pa !== pb) return pa > pb ? -1 : 1;
  const la = effectiveLag(a);
  const lb = effectiveLag(b);
  return la - lb;
}

/** Seconds behind, counting a configured delay and treating stopped threads as far behind. */
export function effectiveLag(i: Instance): number {
  const r = i.replication;
  if (!r) return 0;
  if (r.sqlThread !== 'yes' || r.lagSeconds === null) return Number.MAX_SAFE_INTEGER;
  return Math.max(r.lagSeconds, r.sqlDelay);
}
