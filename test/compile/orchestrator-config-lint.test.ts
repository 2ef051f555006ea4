import { describe, expect, it } from 'vitest';
import { httpAdvertiseProblem, lintOrchestratorConfig } from '../../src/compile/orchestrator-config-lint.js';

const OK = '"RecoverMasterClusterFilters": ["alias=shop"]';

function at(text: string): string[] {
  return lintOrchestratorConfig('o.json', text).map((f) => `${f.line}:${f.column} ${f.ruleId}`);
}

describe('lintOrchestratorConfig', () => {
  it('accepts null for any key (orchestrator keeps the default)', () => {
    expect(at(`{"RaftBind": null, "RaftNodes": null, ${OK}}`)).toEqual([]);
  });

  it('reads strict JSON (orchestrator does), with the position of the error, and wants an object', () => {
    expect(at('{\n  "RaftEnabled": true,\n}')).toEqual(['3:1 syntax']);
    expect(at('{\n  // comment\n  "RaftEnabled": true\n}')).toEqual(['2:3 syntax']);
    expect(at('[1, 2]')).toEqual(['1:1 orchestrator-type-mismatch']);
  });

  it('matches keys case-insensitively and reports two spellings of one key', () => {
    expect(at(`{\n  "RecoveryPeriodBlockSeconds": 60,\n  "recoveryperiodblockseconds": 30,\n  ${OK}\n}`)).toEqual(['3:3 orchestrator-key-case', '3:3 orchestrator-key-case']);
  });

  it('reports a key written twice with the same spelling, and uses the later value as orchestrator does', () => {
    const text = `{\n  "RecoveryPeriodBlockMinutes": 5,\n  "RecoveryPeriodBlockSeconds": 60,\n  "RecoveryPeriodBlockSeconds": 0,\n  ${OK}\n}`;
    expect(at(text)).toEqual(['4:3 orchestrator-key-case']);
    expect(lintOrchestratorConfig('o.json', text)[0]!.message).toBe('RecoveryPeriodBlockSeconds is set twice; orchestrator keeps the later value.');
  });

  it('points type mismatches at the value, inside arrays at the element', () => {
    expect(at(`{\n  "RaftEnabled": "true",\n  ${OK}\n}`)).toEqual(['2:18 orchestrator-type-mismatch']);
    expect(at(`{\n  "RaftNodes": ["a", 2],\n  ${OK}\n}`)).toEqual(['2:22 orchestrator-type-mismatch']);
    expect(at(`{"InstancePollSeconds": 1.5, ${OK}}`)).toEqual(['1:25 orchestrator-type-mismatch']);
  });

  it('knows percona-only keys and their start-up checks', () => {
    expect(at(`{"DeadInstanceDiscoveryLogsEnabled": true, ${OK}}`)).toEqual([]);
    expect(at(`{"InstancePollSeconds": 10, "DeadInstancePollSecondsMax": 5, ${OK}}`)).toEqual(['1:29 orchestrator-dead-instance-poll']);
  });

  it('accepts SlaveLagQuery as the lag query FailMasterPromotionOnLagMinutes needs, but flags the legacy name', () => {
    expect(at(`{"FailMasterPromotionOnLagMinutes": 1, "SlaveLagQuery": "select 1", ${OK}}`)).toEqual(['1:40 orchestrator-legacy-synonym']);
    expect(at(`{"FailMasterPromotionOnLagMinutes": 1, ${OK}}`)).toEqual(['1:2 orchestrator-lag-minutes-without-query']);
    expect(at(`{"ReplicationLagQuery": "select 1", "SlaveLagQuery": "select 1", ${OK}}`)).toEqual([]);
  });

  it('derives the raft leader URL the way orchestrator does', () => {
    const raft = '"RaftEnabled": true, "RaftDataDir": "/var/lib/orchestrator"';
    expect(at(`{${raft}, ${OK}}`)).toEqual([]);
    expect(at(`{${raft}, "ListenAddress": "0.0.0.0", ${OK}}`)).toEqual(['1:63 orchestrator-raft-incomplete']);
    expect(at(`{${raft}, "ListenAddress": "0.0.0.0", "HTTPAdvertise": "http://orc-1:3000", ${OK}}`)).toEqual([]);
    expect(at(`{${raft}, "RaftBind": "", ${OK}}`)).toEqual(['1:63 orchestrator-raft-incomplete']);
  });

  it("checks HTTPAdvertise in orchestrator's order", () => {
    expect(httpAdvertiseProblem('orc-1:3000')).toContain('scheme');
    expect(httpAdvertiseProblem('ftp://orc-1:3000')).toContain('scheme');
    expect(httpAdvertiseProblem('http://:3000')).toContain('host name');
    expect(httpAdvertiseProblem('http://orc-1')).toContain('port number');
    expect(httpAdvertiseProblem('http://orc-1:3000/')).toContain('path');
    expect(httpAdvertiseProblem('https://[::1]:3000')).toBeUndefined();
  });

  it('flags RecoveryPeriodBlockMinutes only while the seconds are in effect', () => {
    expect(at(`{"RecoveryPeriodBlockMinutes": 5, ${OK}}`)).toEqual(['1:2 orchestrator-recovery-block-minutes-ignored']);
    expect(at(`{"RecoveryPeriodBlockMinutes": 5, "RecoveryPeriodBlockSeconds": 0, ${OK}}`)).toEqual([]);
  });

  it('finds patterns without a capture group, including Go named groups', () => {
    expect(at(`{"DataCenterPattern": "(?:dc)[0-9]", ${OK}}`)).toEqual(['1:23 orchestrator-pattern-without-capture-group']);
    expect(at(`{"DataCenterPattern": "-(?P<dc>dc[0-9])-", ${OK}}`)).toEqual([]);
  });

  it('accepts ${ENV} passwords and flags literals', () => {
    expect(at(`{"MySQLTopologyPassword": "\${ORC_TOPOLOGY_PASSWORD}", ${OK}}`)).toEqual([]);
    expect(at(`{"MySQLOrchestratorPassword": "x", ${OK}}`)).toEqual(['1:31 orchestrator-password-literal']);
  });
});
