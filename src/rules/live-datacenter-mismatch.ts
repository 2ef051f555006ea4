import { defineRule } from './rule.js';
import { reportedUnderAnotherName } from '../live/report-host.js';

export default defineRule({
  id: 'live-datacenter-mismatch',
  severity: 'warning',
  description: 'The data center the policy declares for a host differs from the one detected live.',
  scope: 'live',
  check({ cluster, view }) {
    return cluster.hosts.flatMap((h) => {
      const i = view.byKey.get(h.key);
      const detected = i?.dataCenter;
      if (h.dc === undefined || detected === h.dc) return [];
      // why: a host read the way orchestrator reads it (its Detect queries answered, or its API)
      // without a data center has none for orchestrator's fence; any other source may just not know.
      if (detected === undefined && (i?.promotionRule === undefined || reportedUnderAnotherName(h, i))) return [];
      return [
        {
          file: cluster.file,
          path: ['hosts', h.written, 'dc'],
          message:
            detected === undefined
              ? `${h.key} is declared in ${h.dc} but orchestrator reads no data center for it; DC fencing decides on the detected value.`
              : `${h.key} is declared in ${h.dc} but detected in ${detected}; DC fencing decides on the detected value.`,
          hint: 'Fix the declaration, or what detects the data center: the meta table (apply the generated meta SQL) or the data center query/pattern.',
        },
      ];
    });
  },
});
