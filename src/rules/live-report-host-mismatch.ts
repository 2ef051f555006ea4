import { defineRule, type Report } from './rule.js';
import { hostFilter, metaRows } from '../compile/orchestrator.js';
import { reportedUnderAnotherName } from '../live/report-host.js';
import type { HostPolicy } from '../policy/model.js';
import type { Instance } from '../topology/model.js';

export default defineRule({
  id: 'live-report-host-mismatch',
  severity: 'error',
  description: "A server's report_host is empty or not the host part of its policy key: orchestrator, which names servers by report_host, refuses to read it or calls it by another name.",
  scope: 'live',
  check({ cluster, view }) {
    if (!cluster.orchestrator) return [];
    const barred = new Set(metaRows(cluster).filter((r) => r.promotionRule === 'must_not').map((r) => `${r.host}:${r.port}`));
    const out: Report[] = [];
    for (const h of cluster.hosts) {
      const i = view.byKey.get(h.key);
      // why: orchestrator takes report_host verbatim as the server's name (an IPv6 address too, so
      // it must be written as in the policy); a difference in letter case alone is weighed below.
      if (i?.reportHost === undefined || i.reportHost === h.name) continue;
      const problem = describe(h, i, barred.has(`${h.name}:${h.port}`));
      if (problem) out.push({ file: cluster.file, path: ['hosts', h.written], target: 'key', ...problem });
    }
    return out;
  },
});

function describe(h: HostPolicy, i: Instance, barred: boolean): { message: string; hint: string } | undefined {
  const reported = i.reportHost ?? '';
  const hint = `Set report_host = ${h.name} in the server's option file (and report_port = ${h.port} if it does not listen on that port), then restart it.`;
  if (reported === '') {
    return {
      message: `${h.key} has an empty report_host, not "${h.name}": the generated orchestrator config names servers by @@report_host, so orchestrator refuses to read it ("has NULL/empty @@report_host") and neither watches it nor moves or promotes it in a failover.`,
      hint,
    };
  }
  if (reportedUnderAnotherName(h, i)) {
    return {
      message: `${h.key} reports report_host "${reported}", not "${h.name}": orchestrator calls it ${reported}, so neither the promotion filters nor the meta row written for ${h.key} apply to it (a server without a row reads as must_not with semi-sync priority 0).`,
      hint,
    };
  }
  // why: the meta row matches case-insensitively (the table's collation), but the promotion
  // filter is a case-sensitive Go regexp: only a barred host loses something.
  if (!barred) return undefined;
  return {
    message: `${h.key} reports report_host "${reported}", not "${h.name}": orchestrator calls it ${reported}, which its promotion filter ${hostFilter(h.name, h.port)} (case-sensitive) does not match; only its meta row still bars it from promotion.`,
    hint,
  };
}
