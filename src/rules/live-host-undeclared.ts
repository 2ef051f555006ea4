import { defineRule } from './rule.js';

export default defineRule({
  id: 'live-host-undeclared',
  severity: 'warning',
  description: 'A live host replicates within the cluster but the policy does not mention it; engines may promote it by accident.',
  scope: 'live',
  check({ cluster, view }) {
    const declared = new Set(cluster.hosts.map((h) => h.key));
    return view.component
      .filter((i) => !declared.has(i.key))
      .map((i) => ({
        file: cluster.file,
        path: ['hosts'],
        target: 'key' as const,
        message: `${i.key} replicates in cluster "${cluster.name}"${i.source ? ` (from ${i.source})` : ''} but the policy does not declare it; without a whitelist an engine may promote it.`,
        hint: `Declare ${i.key} under "hosts" (with a role if it must never be promoted).`,
      }));
  },
});
