import { defineRule, type Report } from './rule.js';

export default defineRule({
  id: 'duplicate-cluster-name',
  severity: 'error',
  description: 'Two policy files declare the same cluster name; engines key clusters by name, so one policy would silently override the other.',
  scope: 'repo',
  check(repo) {
    const first = new Map<string, (typeof repo.clusters)[number]>();
    const reports: Report[] = [];
    for (const c of repo.clusters) {
      const earlier = first.get(c.name);
      if (!earlier) {
        first.set(c.name, c);
        continue;
      }
      reports.push({
        file: c.file,
        path: ['name'],
        message: `Cluster name "${c.name}" is already used by ${earlier.file.path}.`,
        hint: 'Each cluster needs its own name (it is the orchestrator alias and the cmon cluster_name).',
        related: [{ file: earlier.file, path: ['name'], message: 'first declared here' }],
      });
    }
    return reports;
  },
});
