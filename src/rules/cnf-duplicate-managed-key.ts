import { defineRule } from './rule.js';

export default defineRule({
  id: 'cnf-duplicate-managed-key',
  severity: 'error',
  description: '`succession build --merge-into`: the existing cmon file sets a key succession manages more than once (or under two aliases), or belongs to another cluster_id.',
  scope: 'engine',
  command: 'build',
});
