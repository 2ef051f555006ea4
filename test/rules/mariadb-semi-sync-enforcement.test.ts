import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { loadCase } from './harness.js';

// The fixtures fix where the finding is; the flavor it depends on may sit in the other file.

const RULE = 'mariadb-semi-sync-enforcement';

function relatedOf(name: string): string[] {
  const findings = lint(loadCase(RULE, name).inputs).findings.filter((f) => f.ruleId === RULE);
  expect(findings).toHaveLength(1);
  return (findings[0]!.related ?? []).map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`);
}

describe(`${RULE}: the flavor setting as related location`, () => {
  it('in the cluster file', () => {
    expect(relatedOf('invalid-both-in-cluster')).toEqual(['cluster.yaml:10:9 flavor: mariadb set here']);
  });

  it('in the fleet defaults, when the cluster inherits it', () => {
    expect(relatedOf('invalid-flavor-from-fleet-defaults')).toEqual(['fleet.yaml:7:11 flavor: mariadb set here']);
  });

  it('in the cluster file, when only the enforcement comes from the fleet', () => {
    expect(relatedOf('invalid-enforcement-from-fleet-defaults')).toEqual(['cluster.yaml:10:9 flavor: mariadb set here', 'cluster.yaml:3:7 inherited by cluster shop']);
  });
});
