import { describe, expect, it } from 'vitest';
import { fleetCandidates, lint, lintShard, mergeShards } from '../../src/lint.js';
import { RULES } from '../../src/rules/index.js';
import { caseNames, isLintRule, loadCase } from './harness.js';

// Large repositories are linted in shards on worker threads (src/lint-parallel.ts). Every fixture
// case, split as finely as possible (one file per shard), must give exactly what lint() gives.

describe('sharded lint equals lint on every fixture case', () => {
  for (const rule of RULES.filter(isLintRule)) {
    for (const name of caseNames(rule.id)) {
      const c = loadCase(rule.id, name);
      if (c.topology) continue;
      it(`${rule.id} / ${name}`, () => {
        const sorted = [...c.inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const fleet = fleetCandidates(sorted);
        const merged = mergeShards(sorted, sorted.map((input) => lintShard([input], fleet)));
        expect(merged.findings).toEqual(lint(c.inputs).findings);
      });
    }
  }
});
