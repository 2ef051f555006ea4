import { defineRule } from './rule.js';

export default defineRule({
  id: 'build-drift',
  severity: 'error',
  description: '`succession build --check`: a generated file is stale, missing, or not produced by the build at all.',
  scope: 'engine',
  command: 'build',
});
