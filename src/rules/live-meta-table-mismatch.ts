import { defineRule, type Report } from './rule.js';
import { metaRows, type MetaRow } from '../compile/orchestrator.js';
import { reportedUnderAnotherName } from '../live/report-host.js';
import type { Instance } from '../topology/model.js';

/** What orchestrator holds for a server it has just met when its Detect queries fail. */
const UNREAD = { promotionRule: 'neutral', semiSyncPriority: 0 } as const;

export default defineRule({
  id: 'live-meta-table-mismatch',
  severity: 'error',
  description: "orchestrator cannot read a server's row of the meta table, or reads another promotion rule or semi-sync priority there than the policy gives.",
  scope: 'live',
  check({ cluster, view }) {
    const deployment = cluster.orchestrator?.deployment;
    if (deployment === undefined) return [];
    const rows = metaRows(cluster);
    const out: Report[] = [];
    for (const h of cluster.hosts) {
      const row = rows.find((r) => r.host === h.name && r.port === h.port);
      const i = view.byKey.get(h.key);
      if (!row || !i?.reachable || reportedUnderAnotherName(h, i)) continue;
      const message = i.metaError !== undefined ? unreadable(h.key, row, i.metaError) : mismatch(h.key, row, i);
      if (message === undefined) continue;
      const delay = i.replication?.sqlDelay ?? 0;
      out.push({
        file: cluster.file,
        path: ['hosts', h.written],
        target: 'key',
        message,
        hint:
          `Apply the generated orchestrator/${deployment}/meta/${cluster.name}.sql on the primary` +
          (delay > 0 ? `; ${h.key} applies changes ${delay}s late (SQL_Delay), so it receives the rows only after that delay` : '; replication carries it to every replica') +
          (i.metaError !== undefined ? ". If the table is already there, grant orchestrator's topology user SELECT on it." : '.'),
      });
    }
    return out;
  },
});

function unreadable(key: string, row: MetaRow, error: string): string {
  return (
    `orchestrator's Detect queries fail on ${key} (${error}), so orchestrator keeps what it read before (for a server it has just met: promotion rule neutral, semi-sync priority 0, no data center) instead of the policy's ${row.promotionRule} and priority ${row.semiSyncPriority}.` +
    sentence(consequences(row, UNREAD))
  );
}

function mismatch(key: string, row: MetaRow, i: Instance): string | undefined {
  const read = { promotionRule: i.promotionRule ?? row.promotionRule, semiSyncPriority: i.semiSyncPriority ?? row.semiSyncPriority };
  if (read.promotionRule === row.promotionRule && read.semiSyncPriority === row.semiSyncPriority) return undefined;
  // why: the Detect queries' fallback; the likeliest cause is then a missing row, not a stale one.
  const noRow = read.promotionRule === 'must_not' && read.semiSyncPriority === 0 ? ' (what a server reads that has no row, or whose report_host and report_port name none)' : '';
  return `orchestrator reads promotion rule ${read.promotionRule} and semi-sync priority ${read.semiSyncPriority} for ${key} from the meta table${noRow}, where the policy gives ${row.promotionRule} and ${row.semiSyncPriority}.${sentence(consequences(row, read))}`;
}

/** The consequences as one sentence after a space; nothing when there are none. */
function sentence(parts: string[]): string {
  if (parts.length === 0) return '';
  const text = parts.join('; ');
  return ` ${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** What the difference between the policy's row and what orchestrator reads does in a failover. */
function consequences(row: MetaRow, read: { promotionRule: string; semiSyncPriority: number }): string[] {
  const out: string[] = [];
  if (read.promotionRule !== row.promotionRule) {
    if (row.promotionRule === 'must_not') out.push(`it reads ${read.promotionRule}: only the promotion filter still bars it from promotion`);
    else if (read.promotionRule === 'must_not') out.push('it reads must_not: orchestrator never promotes it');
    else if (row.promotionRule === 'prefer') out.push(`it reads ${read.promotionRule}: orchestrator no longer prefers it as the new primary`);
    else if (read.promotionRule === 'prefer') out.push('it reads prefer: orchestrator prefers it as the new primary over the policy\'s choice');
    else out.push(`it reads ${read.promotionRule}: orchestrator ranks it differently from the policy`);
  }
  if (read.semiSyncPriority !== row.semiSyncPriority) {
    if (read.semiSyncPriority === 0) out.push('its semi-sync priority reads 0, so orchestrator never enables semi-sync on it');
    else if (row.semiSyncPriority === 0) out.push(`its semi-sync priority reads ${read.semiSyncPriority}, so orchestrator may enable semi-sync on it, which the policy keeps asynchronous`);
    else out.push(`its semi-sync priority reads ${read.semiSyncPriority}, which changes the order in which enforcement picks semi-sync replicas`);
  }
  return out;
}
