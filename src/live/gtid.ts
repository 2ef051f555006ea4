import { parseMariaDbGtidPos, parseMySqlGtidSet } from '../topology/gtid-text.js';
import type { Instance } from '../topology/model.js';

/**
 * Transactions the replica executed that its primary did not: errant GTIDs. MySQL: the UUID set
 * difference. MariaDB: a domain the primary never wrote, or a position in a domain beyond the
 * primary's (or equal in sequence but from another server). Returns undefined when either set
 * is unknown or unreadable.
 */
export function errantGtids(replica: Instance, primary: Instance): string | undefined {
  const r = replica.gtid;
  const p = primary.gtid;
  if (!r || !p || r.flavor !== p.flavor) return undefined;
  if (r.flavor === 'mysql') {
    const rs = parseMySqlGtidSet(r.executed);
    const ps = parseMySqlGtidSet(p.executed);
    if (!rs || !ps) return undefined;
    const extra: string[] = [];
    for (const [uuid, intervals] of rs) {
      const covered = ps.get(uuid) ?? [];
      for (const iv of intervals) {
        for (const gap of subtract(iv, covered)) extra.push(`${uuid}:${gap.start === gap.end ? gap.start : `${gap.start}-${gap.end}`}`);
      }
    }
    return extra.length ? extra.join(',') : '';
  }
  const rs = parseMariaDbGtidPos(r.executed);
  const ps = parseMariaDbGtidPos(p.executed);
  if (!rs || !ps) return undefined;
  const extra = rs.filter((g) => {
    const q = ps.find((x) => x.domainId === g.domainId);
    return !q || g.sequence > q.sequence || (g.sequence === q.sequence && g.serverId !== q.serverId);
  });
  return extra.map((g) => `${g.domainId}-${g.serverId}-${g.sequence}`).join(',');
}

function subtract(iv: { start: bigint; end: bigint }, covered: { start: bigint; end: bigint }[]): { start: bigint; end: bigint }[] {
  let pieces = [iv];
  for (const c of covered) {
    pieces = pieces.flatMap((p) => {
      if (c.end < p.start || c.start > p.end) return [p];
      const out = [];
      if (c.start > p.start) out.push({ start: p.start, end: c.start - 1n });
      if (c.end < p.end) out.push({ start: c.end + 1n, end: p.end });
      return out;
    });
  }
  return pieces;
}
