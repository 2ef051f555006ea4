import { defineRule, type Report } from './rule.js';
import { didYouMean } from '../util/suggest.js';
import type { HostRef } from '../policy/model.js';

export default defineRule({
  id: 'undeclared-host',
  severity: 'error',
  description: 'The primary, a replication source, the whitelist or the blacklist names a host that `hosts` does not declare.',
  scope: 'cluster',
  check(cluster) {
    const declared = new Set(cluster.hosts.map((h) => h.key));
    const refs: HostRef[] = [cluster.primaryRef, ...(cluster.candidates.whitelist ?? []), ...cluster.candidates.blacklist];
    for (const h of cluster.hosts) if (h.sourceRef) refs.push(h.sourceRef);
    const reports: Report[] = [];
    for (const r of refs) {
      // why: text that is no host key at all is invalid-host-key's finding, not a missing declaration.
      if (r.key === undefined || declared.has(r.key)) continue;
      reports.push({
        file: cluster.file,
        path: r.path,
        message: `${r.written} is not declared under "hosts".${didYouMean(r.key, declared)}`,
        hint: 'Declare the host under "hosts" or fix the host key; a typo here silently changes who can be promoted.',
      });
    }
    return reports;
  },
});
