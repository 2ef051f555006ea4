import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import { compileMha } from '../../src/compile/mha.js';
import { analyze } from '../../src/lint.js';
import { FLEET, cluster, exampleInputs, repoOf } from './helpers.js';

type Sections = Record<string, Record<string, string>>;

function servers(content: string): Record<string, string>[] {
  const parsed = ini.parse(content) as Sections;
  return Object.keys(parsed)
    .filter((k) => /^server[0-9]+$/.test(k))
    .map((k) => parsed[k]!);
}

describe('MHA target on the example repository', () => {
  const { repo } = analyze(exampleInputs());
  const artifacts = compileMha(repo).artifacts;

  it('writes one config per MHA-enabled cluster', () => {
    expect(artifacts.map((a) => a.path)).toEqual(['mha/dr.cnf', 'mha/shop.cnf']);
  });

  it('marks the whitelisted hosts candidate_master (ranked first) and every other host no_master', () => {
    const shop = servers(artifacts[1]!.content);
    expect(shop.map((s) => [s.hostname, s.port, s.candidate_master ?? '', s.no_master ?? ''])).toEqual([
      ['rha-db-02', '3306', '1', ''],
      ['rha-db-03', '3306', '1', ''],
      ['rha-db-01', '3306', '', '1'],
      ['rha-db-04', '3306', '', '1'],
      ['rha-db-05', '3306', '', '1'],
    ]);
  });

  it('writes [server default] from the fleet and allows multi-tier replicas when the policy has them', () => {
    const dr = ini.parse(artifacts[0]!.content) as Sections;
    expect(dr['server default']).toEqual({
      manager_log: '/var/log/masterha/dr/manager.log',
      manager_workdir: '/var/log/masterha/dr',
      master_binlog_dir: '/var/lib/mysql',
      multi_tier_slave: '1',
      remote_workdir: '/var/log/masterha',
      repl_user: 'repl',
      report_script: '/usr/local/bin/notify-failover.sh',
      ssh_user: 'mha',
      user: 'mha',
    });
    expect(servers(artifacts[0]!.content)[0]!.hostname).toBe('10.0.0.142');
  });
});

describe('MHA candidates without a whitelist', () => {
  it('uses candidate_master for prefer, no_master for barred hosts, and nothing for neutral', () => {
    const repo = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 1, 'datacenters: { home: dc1, preventCrossDatacenter: true }\ncandidates: { blacklist: [a-3:3306] }\n') });
    const list = servers(compileMha(repo).artifacts[0]!.content);
    expect(list.map((s) => `${s.hostname} ${s.candidate_master ? 'candidate' : s.no_master ? 'no_master' : '-'}`)).toEqual([
      'a-2 candidate',
      'a-1 -',
      'a-3 no_master',
      'a-4 no_master',
      'a-5 no_master',
    ]);
  });

  it('skips clusters without MHA and reports what MHA cannot express', () => {
    const off = cluster('b', 2).replace('mha: { enabled: true }', 'mha: { enabled: false }');
    const on = cluster('a', 1, 'semiSync: { enforcement: exact }\nantiFlapping: { recoveryBlockSeconds: 60 }\nhooks:\n  onFailureDetection: ["/bin/page"]\n');
    const r = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': on, 'b.yaml': off }), ['mha']);
    expect(r.artifacts.map((a) => a.path)).toEqual(['mha/a.cnf']);
    const at = r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message.slice(0, 20)}`);
    expect(at).toEqual([
      'a.yaml:13 target-cannot-express MHA: does not manage',
      'a.yaml:14 target-cannot-express MHA: sets its anti-f',
      'a.yaml:16 target-cannot-express MHA: has no onFailur',
    ]);
  });

  it('refuses hook values Config::Tiny would not read back unchanged', () => {
    const text = cluster('a', 1, 'hooks:\n  preFailover: ["/opt/a\\u0007b"]\n');
    const r = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': text }), ['mha']);
    expect(r.artifacts).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === 'unsafe-engine-value').map((f) => f.line)).toEqual([14]);
  });
});

describe('MHA binary log directories', () => {
  const fleet = (dirs: string) => `${FLEET}  masterBinlogDir: ${dirs}\n`;

  it('writes master_binlog_dir as MHA splits it: comma-separated, in the fleet order', () => {
    const repo = repoOf({ 'fleet.yaml': fleet('[/srv/binlog, /var/lib/mysql]'), 'a.yaml': cluster('a', 1) });
    const parsed = ini.parse(compileMha(repo).artifacts[0]!.content) as Sections;
    expect(parsed['server default']!.master_binlog_dir).toBe('/srv/binlog,/var/lib/mysql');
  });

  it('leaves it to MHA (/var/lib/mysql,/var/log/mysql) when the fleet does not say', () => {
    const repo = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 1) });
    expect(compileMha(repo).artifacts[0]!.content).not.toContain('master_binlog_dir');
  });

  it('refuses a directory MHA would cut apart: MHA splits on commas and deletes every blank', () => {
    for (const bad of ['["/srv/a,b"]', '["/srv/my binlogs"]', '[relative/dir]', '[]']) {
      const { readFindings } = analyze([
        { path: 'fleet.yaml', text: fleet(bad) },
        { path: 'a.yaml', text: cluster('a', 1) },
      ]);
      expect(readFindings.map((f) => `${f.file}:${f.line} ${f.ruleId}`), bad).toEqual(['fleet.yaml:11 schema']);
    }
  });
});
