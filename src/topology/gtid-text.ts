// GTID positions and sets as servers print them, parsed for comparison (src/live/gtid.ts).

export interface MariaDbGtid {
  domainId: number;
  serverId: number;
  sequence: bigint;
}

/** Parses a MariaDB GTID position (`0-1-3,1-2-10`); undefined when malformed. */
export function parseMariaDbGtidPos(text: string): MariaDbGtid[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const out: MariaDbGtid[] = [];
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (!m) return undefined;
    out.push({ domainId: Number(m[1]), serverId: Number(m[2]), sequence: BigInt(m[3]!) });
  }
  return out;
}

export interface MySqlGtidInterval {
  start: bigint;
  end: bigint;
}

/**
 * Parses a MySQL GTID set (`uuid:1-5:7,uuid2:1-3`) into intervals per source, keyed by the
 * lower-case UUID; tagged GTIDs of MySQL ≥ 8.3 (`uuid:1-5:tag:1-2`) are keyed `uuid:tag`.
 * Undefined when malformed.
 */
export function parseMySqlGtidSet(text: string): Map<string, MySqlGtidInterval[]> | undefined {
  const out = new Map<string, MySqlGtidInterval[]>();
  const trimmed = text.replace(/\s+/g, '');
  if (trimmed === '') return out;
  for (const part of trimmed.split(',')) {
    const [uuid, ...rest] = part.split(':');
    if (!uuid || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid) || rest.length === 0) return undefined;
    let key = uuid.toLowerCase();
    let intervals = 0;
    for (const r of rest) {
      if (/^[a-z_][a-z0-9_]{0,31}$/i.test(r)) {
        key = `${uuid.toLowerCase()}:${r.toLowerCase()}`;
        continue;
      }
      const m = /^(\d+)(?:-(\d+))?$/.exec(r);
      if (!m) return undefined;
      const start = BigInt(m[1]!);
      const end = m[2] === undefined ? start : BigInt(m[2]);
      if (start < 1n || end < start) return undefined;
      out.set(key, [...(out.get(key) ?? []), { start, end }]);
      intervals += 1;
    }
    if (intervals === 0) return undefined;
  }
  return out;
}
