import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-pattern-without-capture-group',
  severity: 'warning',
  description: '`lint --orchestrator-config`: a DataCenterPattern, RegionPattern or PhysicalEnvironmentPattern without a capture group, which never yields a value.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
