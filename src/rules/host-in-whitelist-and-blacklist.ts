import { defineRule } from './rule.js';

export default defineRule({
  id: 'host-in-whitelist-and-blacklist',
  severity: 'error',
  description: 'A host is both whitelisted and blacklisted; engines disagree on which list wins.',
  scope: 'cluster',
  check(cluster) {
    const { whitelist, blacklist } = cluster.candidates;
    if (!whitelist) return [];
    const allowed = new Map(whitelist.filter((r) => r.key).map((r) => [r.key, r]));
    return blacklist.flatMap((b) => {
      const w = b.key === undefined ? undefined : allowed.get(b.key);
      if (!w) return [];
      return [
        {
          file: cluster.file,
          path: b.path,
          message: `${b.written} is both whitelisted and blacklisted. succession lets the blacklist win, but ClusterControl itself ignores its blacklist whenever a whitelist is set: a hand-edited cmon config would promote it.`,
          hint: 'Remove it from one of the two lists.',
          related: [{ file: cluster.file, path: w.path, message: 'whitelisted here' }],
        },
      ];
    });
  },
});
