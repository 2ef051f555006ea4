import { defineRule, type Report } from './rule.js';

export default defineRule({
  id: 'duplicate-host',
  severity: 'error',
  description: 'One host is declared twice under different spellings (case, default port, IPv6 form); it would be counted twice as a candidate and as a semi-sync acknowledger.',
  scope: 'cluster',
  check(cluster) {
    const first = new Map<string, string>();
    const reports: Report[] = [];
    for (const h of cluster.hosts) {
      const earlier = first.get(h.key);
      if (earlier === undefined) {
        first.set(h.key, h.written);
        continue;
      }
      reports.push({
        file: cluster.file,
        path: ['hosts', h.written],
        target: 'key',
        message: `"${h.written}" and "${earlier}" are the same host (${h.key}).`,
        hint: 'Declare each host once, as host:port.',
        related: [{ file: cluster.file, path: ['hosts', earlier], message: 'first declared here' }],
      });
    }
    return reports;
  },
});
