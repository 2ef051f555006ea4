import { defineRule } from './rule.js';

export default defineRule({
  id: 'candidate-outside-home-dc',
  severity: 'error',
  description: 'A whitelisted host is outside the home data center while cross-DC failover is prevented.',
  scope: 'cluster',
  check(cluster) {
    const { home, preventCrossDatacenter } = cluster.datacenters;
    if (!preventCrossDatacenter || home === undefined) return [];
    const byKey = new Map(cluster.hosts.map((h) => [h.key, h]));
    return (cluster.candidates.whitelist ?? []).flatMap((r) => {
      const host = r.key === undefined ? undefined : byKey.get(r.key);
      if (!host || host.dc === home) return [];
      const where = host.dc === undefined ? 'has no data center' : `is in ${host.dc}`;
      return [
        {
          file: cluster.file,
          path: r.path,
          message: `${r.written} is whitelisted but ${where}, while failover must stay in ${home}: orchestrator vetoes promoting it and succession leaves it out of the cmon and MHA candidates, so the whitelist promises a candidate that will never be promoted.`,
          hint: `Remove it from the whitelist, or set its dc to ${home}.`,
        },
      ];
    });
  },
});
