import { parseMariaDbGtidPos, parseMySqlGtidSet } from '../topology/gtid-text.js';
import type { BinlogPosition, Instance } from '../topology/model.js';

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

/** `mysql-bin.000012` → 12; undefined without a numeric suffix. */
function fileNumber(file: string): number | undefined {
  const m = /\.(\d+)$/.exec(file);
  return m ? Number(m[1]) : undefined;
}

/**
 * Orders two positions in the same source's binary log as orchestrator does
 * (BinlogCoordinates.SmallerThan): file number, then offset. Undefined when the files are not
 * of one log.
 */
function comparePositions(a: BinlogPosition, b: BinlogPosition): number | undefined {
  const fa = fileNumber(a.file);
  const fb = fileNumber(b.file);
  if (fa === undefined || fb === undefined || a.file.slice(0, a.file.lastIndexOf('.')) !== b.file.slice(0, b.file.lastIndexOf('.'))) return undefined;
  return fa - fb || a.position - b.position;
}

/**
 * Orders replicas of one source most advanced first: by how far each applied the source's binary
 * log (what orchestrator sorts by), else by applied GTIDs, else by lag and delay.
 */
export function compareProgress(a: Instance, b: Instance, primary: Instance): number {
  const ea = a.replication?.applied;
  const eb = b.replication?.applied;
  const byPosition = ea && eb && a.source === b.source ? comparePositions(ea, eb) : undefined;
  if (byPosition !== undefined) return -byPosition;
  const pa = appliedFrom(a, primary);
  const pb = appliedFrom(b, primary);
  if (pa !== undefined && pb !== undefined) return pa === pb ? 0 : pa > pb ? -1 : 1;
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
