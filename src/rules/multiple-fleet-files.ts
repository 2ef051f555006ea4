import { defineRule } from './rule.js';

export default defineRule({
  id: 'multiple-fleet-files',
  severity: 'error',
  description: 'More than one fleet file was given; only the first (by path) is used for defaults and deployments.',
  scope: 'repo',
  check(repo) {
    const [first, ...rest] = repo.fleetFiles;
    return rest.map((file) => ({
      file,
      path: ['kind'],
      message: `A second fleet file: ${first!.path} already declares the fleet, so this one is ignored.`,
      hint: 'Keep one fleet file per policy repository (usually policies/fleet.yaml).',
      related: [{ file: first!, path: ['kind'], message: 'the fleet file in use' }],
    }));
  },
});
