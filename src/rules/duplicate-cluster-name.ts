import { defineRule, type Report } from './rule.js';
import type { ClusterPolicy } from '../policy/model.js';

export default defineRule({
  id: 'duplicate-cluster-name',
  severity: 'error',
  description: 'Two policy files declare the same cluster name, or names that differ only in letter case; engines key clusters by name, and generated files named after them collide.',
  scope: 'repo',
  check(repo) {
    const first = new Map<string, ClusterPolicy>();
    const reports: Report[] = [];
    for (const c of repo.clusters) {
      // why: generated files are named after clusters (mha/<name>.cnf, meta/<name>.sql), and on a
      // case-insensitive file system (macOS, Windows) `Shop` and `shop` are one file.
      const folded = c.name.toLowerCase();
      const earlier = first.get(folded);
      if (!earlier) {
        first.set(folded, c);
        continue;
      }
      if (earlier.name === c.name) {
        reports.push({
          file: c.file,
          path: ['name'],
          message: `Cluster name "${c.name}" is already used by ${earlier.file.path}.`,
          hint: 'Each cluster needs its own name (it is the orchestrator alias and the cmon cluster_name).',
          related: [{ file: earlier.file, path: ['name'], message: 'first declared here' }],
        });
        continue;
      }
      // why: neither spelling is the mistake, so both files get the finding.
      for (const [here, there] of [[c, earlier], [earlier, c]] as const) {
        reports.push({
          file: here.file,
          path: ['name'],
          message: `Cluster names "${here.name}" and "${there.name}" (${there.file.path}) differ only in letter case: the files generated for them (mha/${here.name}.cnf, orchestrator meta/${here.name}.sql) are one file on a case-insensitive file system, and the engines may treat them as one cluster.`,
          hint: 'Give the clusters names that differ in more than letter case.',
          related: [{ file: there.file, path: ['name'], message: `"${there.name}" declared here` }],
        });
      }
    }
    return reports;
  },
});
