import { defineRule } from './rule.js';

export default defineRule({
  id: 'candidate-with-excluded-role',
  severity: 'error',
  description: 'A whitelisted host has a role (backup, reporting, olap, dev, delayed) that must never be promoted.',
  scope: 'cluster',
  check(cluster) {
    const byKey = new Map(cluster.hosts.map((h) => [h.key, h]));
    return (cluster.candidates.whitelist ?? []).flatMap((r) => {
      const host = r.key === undefined ? undefined : byKey.get(r.key);
      if (!host?.role) return [];
      return [
        {
          file: cluster.file,
          path: r.path,
          message: `${r.written} is whitelisted but has role "${host.role}": the policy contradicts itself. succession leaves it out of every engine's candidates, so the whitelist promises a candidate that will never be promoted.`,
          hint: 'Remove it from the whitelist, or drop the role if it really may become the primary.',
          related: [{ file: cluster.file, path: ['hosts', host.written, 'role'], message: 'role set here' }],
        },
      ];
    });
  },
});
