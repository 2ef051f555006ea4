import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES, RULES_BY_ID } from '../../src/rules/index.js';
import { FIXTURES_DIR, caseNames, describeMismatch, isLintRule, isLiveRule, loadCase, runCase } from './harness.js';

describe('fixture directories', () => {
  it('belong to a rule each', () => {
    const strays = readdirSync(FIXTURES_DIR, { withFileTypes: true })
      .filter((e) => !e.isDirectory() || !RULES_BY_ID.has(e.name))
      .map((e) => e.name);
    expect(strays).toEqual([]);
  });
});

// Rules raised by another command (build, lint --orchestrator-config) are tested through that
// command; fixtures cover what `lint` raises on policy files and, with a topology.json per case,
// what `check` raises against a live topology.
for (const rule of RULES.filter((r) => isLintRule(r) || isLiveRule(r))) {
  describe(rule.id, () => {
    const names = caseNames(rule.id);

    it('has at least one invalid and one valid case', () => {
      expect(names.filter((n) => n.startsWith('invalid-')).length).toBeGreaterThanOrEqual(1);
      expect(names.filter((n) => n.startsWith('valid-')).length).toBeGreaterThanOrEqual(1);
    });

    for (const name of names) {
      it(name, () => {
        const c = loadCase(rule.id, name);
        expect(describeMismatch(c, runCase(c))).toBe('');
      });
    }
  });
}
