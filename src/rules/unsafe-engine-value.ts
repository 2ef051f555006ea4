import { defineRule } from './rule.js';

export default defineRule({
  id: 'unsafe-engine-value',
  severity: 'error',
  description: '`succession build`: a policy value (usually a hook command) cannot be written into an engine config without changing its meaning or breaking the line.',
  scope: 'engine',
  command: 'build',
});
