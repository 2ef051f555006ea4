import { defineRule, type Report } from './rule.js';
import { cyclesOf } from '../util/cycles.js';

export default defineRule({
  id: 'source-cycle',
  severity: 'error',
  description: 'The hosts\' `source` entries form a ring (a host that, through its sources, replicates from itself).',
  scope: 'cluster',
  check(cluster) {
    const byKey = new Map(cluster.hosts.map((h) => [h.key, h]));
    const raw = (cluster.file.data as { hosts: Record<string, { source?: unknown } | null> }).hosts;
    const reports: Report[] = [];
    for (const ring of cyclesOf(cluster.hosts.map((h) => h.key), (k) => byKey.get(k)?.source)) {
      const flow = [...ring].reverse();
      const shape = [flow[flow.length - 1]!, ...flow].join(' → ');
      for (const k of ring) {
        const h = byKey.get(k)!;
        // why: a host without `source` replicates from the declared primary; the ring then closes
        // through that default, and the host's own line is where to see it.
        const explicit = raw[h.written]?.source !== undefined;
        reports.push({
          file: cluster.file,
          path: explicit ? ['hosts', h.written, 'source'] : ['hosts', h.written],
          ...(explicit ? {} : { target: 'key' as const }),
          message: `${k} ${explicit ? `has source ${h.source}` : `replicates from the primary ${h.source} (no source given)`}, and the sources form a ring: ${shape}. A ring has no top, so the policy does not say which host is the primary's line of descent, nor which hosts are its direct replicas.`,
          hint: 'Give every host except the primary a source that leads, source by source, to the primary, and give the primary none.',
        });
      }
    }
    return reports;
  },
});
