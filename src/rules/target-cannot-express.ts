import { defineRule } from './rule.js';

export default defineRule({
  id: 'target-cannot-express',
  severity: 'info',
  description: '`succession build`: a failover engine has no setting for part of the policy (e.g. semi-sync priority in cmon, timing in MHA); that part is not in its generated config.',
  scope: 'engine',
  command: 'build',
});
