import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLEET, ROOT, cluster, copyExample, fileTree, runBuilt, tempDirs } from './helpers.js';

const run = runBuilt;
const tmp = tempDirs('succession-build-');
const tree = fileTree;

/** A copy of the example repository in a temporary directory. */
const exampleCopy = () => copyExample(tmp());

describe('succession build', () => {
  it('builds the example repository into the golden tree, byte for byte, and again without writing', () => {
    const d = exampleCopy();
    const first = run(['build', 'policies', '--out', 'out', '-q'], d);
    expect(first.stderr).toContain('wrote 10 file(s), 0 unchanged');
    expect(first.code).toBe(0);
    expect(tree(join(d, 'out'))).toEqual(tree(join(ROOT, 'test/golden/tree')));
    const second = run(['build', 'policies', '--out', 'out', '-q'], d);
    expect(second.stderr).toContain('wrote 0 file(s), 10 unchanged');
  });

  it('rewrites only the files of the cluster whose policy changed', () => {
    const d = exampleCopy();
    run(['build', 'policies', '--out', 'out', '-q'], d);
    // why: a rewritten file is a new inode (written aside, renamed over the old one).
    const inodes = () => new Map([...tree(join(d, 'out')).keys()].map((p) => [p, statSync(join(d, 'out', p)).ino] as const));
    const before = inodes();
    const shop = join(d, 'policies/clusters/shop.yaml');
    writeFileSync(shop, readFileSync(shop, 'utf8').replace('description: Web shop orders and payments', 'description: Web shop orders'));
    const rebuild = run(['build', 'policies', '--out', 'out', '-q'], d);
    expect(rebuild.stderr).toContain('wrote 3 file(s), 7 unchanged');
    const touched = [...inodes()].filter(([p, t]) => t !== before.get(p)).map(([p]) => p);
    expect(touched.sort()).toEqual(['cmon/cmon_1.cnf', 'mha/shop.cnf', 'orchestrator/main/meta/shop.sql']);
  });

  it('--check passes on a fresh build and fails, listing the files, after a policy changes', () => {
    const d = exampleCopy();
    run(['build', '--out', 'out'], d);
    const clean = run(['build', '--out', 'out', '--check', '-q'], d);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain('up to date');

    const shop = join(d, 'policies/clusters/shop.yaml');
    writeFileSync(shop, readFileSync(shop, 'utf8').replace('recoveryBlockSeconds: 30', 'recoveryBlockSeconds: 45'));
    writeFileSync(join(d, 'out/cmon/cmon_9.cnf'), 'cluster_id=9\n');
    rmSync(join(d, 'out/mha/dr.cnf'));
    const before = tree(join(d, 'out'));
    const drift = run(['build', '--out', 'out', '--check', '-q', '--format', 'json'], d);
    expect(drift.code).toBe(1);
    const report = JSON.parse(drift.stdout) as { findings: { file: string; ruleId: string; message: string }[] };
    expect(report.findings.map((f) => `${f.file} ${f.ruleId} ${f.message.split(' ').slice(3, 5).join(' ')}`)).toEqual([
      'out/cmon/cmon_9.cnf build-drift not produced',
      'out/mha/dr.cnf build-drift missing.',
      'out/orchestrator/main/provenance.txt build-drift stale: its',
      'out/orchestrator/main/rha-orc-01/orchestrator.conf.json build-drift stale: its',
      'out/orchestrator/main/rha-orc-02/orchestrator.conf.json build-drift stale: its',
      'out/orchestrator/main/rha-orc-03/orchestrator.conf.json build-drift stale: its',
    ]);
    expect(tree(join(d, 'out'))).toEqual(before);
  });

  it('--target limits both the files written and the directories --check owns', () => {
    const d = exampleCopy();
    const r = run(['build', '--out', 'out', '--target', 'cmon', '-q'], d);
    expect(r.code).toBe(0);
    expect([...tree(join(d, 'out')).keys()]).toEqual(['cmon/cmon_1.cnf', 'cmon/cmon_2.cnf']);
    mkdirSync(join(d, 'out/mha'));
    writeFileSync(join(d, 'out/mha/hand-made.cnf'), '[server default]\n');
    expect(run(['build', '--out', 'out', '--target', 'cmon', '--check', '-q'], d).code).toBe(0);
    expect(run(['build', '--out', 'out', '--target', 'cmon,mha', '--check', '-q'], d).code).toBe(1);
  });

  it('stops on lint errors before writing: two clusters of one deployment with different recovery block seconds', () => {
    const d = tmp();
    writeFileSync(join(d, 'fleet.yaml'), FLEET);
    writeFileSync(join(d, 'a.yaml'), cluster('a', 1, 'antiFlapping: { recoveryBlockSeconds: 60 }\n'));
    writeFileSync(join(d, 'b.yaml'), cluster('b', 2, 'antiFlapping: { recoveryBlockSeconds: 120 }\n'));
    const r = run(['build', 'a.yaml', 'b.yaml', '--out', 'out'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^b\.yaml\n\s+13:39\s+error\s+.*deployment-setting-conflict/m);
    expect(r.stdout).toContain('↳ a.yaml:13:39');
    expect(r.stderr).toContain('nothing was written');
    expect(existsSync(join(d, 'out'))).toBe(false);
  });

  it('stops on a hook value an engine config cannot carry, before writing', () => {
    const d = tmp();
    writeFileSync(join(d, 'fleet.yaml'), FLEET);
    writeFileSync(join(d, 'a.yaml'), cluster('a', 1, `hooks:\n  preFailover: ["/opt/it's"]\n`));
    const r = run(['build', '.', '--out', 'out', '--target', 'cmon'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/14:\d+\s+error\s+cmon: the value of replication_pre_failover_script/);
    expect(existsSync(join(d, 'out'))).toBe(false);
  });

  it('exits 2 with a plain message when the output directory is a file or under a file', () => {
    const d = exampleCopy();
    writeFileSync(join(d, 'out'), 'a file');
    for (const out of ['out', 'out/sub']) {
      const r = run(['build', '--out', out], d);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^succession: .*nothing was written\.\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(join(d, 'out'), 'utf8')).toBe('a file');
  });

  it('exits 2 for an unknown target or a missing --out', () => {
    expect(run(['build', '--out', '/tmp/x', '--target', 'cmon,vtorc']).code).toBe(2);
    expect(run(['build']).stderr).toContain('--out');
  });

  it('--merge-into updates the managed keys of an existing cmon file, and reports duplicate keys', () => {
    const d = exampleCopy();
    const file = join(d, 'cmon_1.cnf');
    writeFileSync(file, '# hand-made\ncluster_id=1\nmysql_password=secret\nreplication_failover_blacklist=x:1\n');
    const ok = run(['build', '--merge-into', 'cmon_1.cnf', '-q'], d);
    expect(ok.code).toBe(0);
    const merged = readFileSync(file, 'utf8');
    expect(merged.startsWith('# hand-made\ncluster_id=1\nmysql_password=secret\n')).toBe(true);
    expect(merged).toContain('replication_failover_whitelist=rha-db-02:3306,rha-db-03:3306\n');
    expect(merged).not.toContain('blacklist');
    expect(run(['build', '--merge-into', 'cmon_1.cnf', '--check', '-q'], d).code).toBe(0);

    const dup = 'cluster_id=1\nname=shop\ncluster_name=shop\n';
    writeFileSync(file, dup);
    const r = run(['build', '--merge-into', 'cmon_1.cnf', '-q'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/cmon_1\.cnf\n\s+3:1\s+error\s+cluster_name sets cluster_name again/);
    expect(r.stdout).toContain('↳ cmon_1.cnf:2:1');
    expect(readFileSync(file, 'utf8')).toBe(dup);
  });

  it('--merge-into refuses a hook cmon cannot carry instead of dropping its line, whatever the targets', () => {
    const d = tmp();
    writeFileSync(join(d, 'fleet.yaml'), FLEET);
    writeFileSync(join(d, 'a.yaml'), cluster('a', 1, `hooks:\n  preFailover: ["/opt/it's"]\n`));
    const existing = 'cluster_id=1\nreplication_pre_failover_script=/opt/old\n';
    writeFileSync(join(d, 'cmon_1.cnf'), existing);
    const r = run(['build', '.', '--merge-into', 'cmon_1.cnf', '--target', 'mha'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\n\s+14:\d+\s+error\s+cmon: the value of replication_pre_failover_script/);
    expect(readFileSync(join(d, 'cmon_1.cnf'), 'utf8')).toBe(existing);
  });
});

describe('succession lint --orchestrator-config', () => {
  it('reports unknown keys with a suggestion and fatal start-up checks, at file:line:column', () => {
    const d = tmp();
    mkdirSync(join(d, 'conf'));
    writeFileSync(join(d, 'conf/orchestrator.conf.json'), '{\n  "RaftEnabled": true,\n  "RaftDataDir": "",\n  "RecoverMasterClustrFilters": ["*"]\n}\n');
    const r = run(['lint', '--orchestrator-config', 'conf/orchestrator.conf.json'], d);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2:3\s+error\s+orchestrator refuses to start: "RaftDataDir must be defined/);
    expect(r.stdout).toMatch(/4:3\s+error\s+Unknown key "RecoverMasterClustrFilters".*Did you mean "RecoverMasterClusterFilters"\?/);
  });

  it('passes a generated config', () => {
    const r = run(['lint', '--orchestrator-config', 'test/golden/tree/orchestrator/main/rha-orc-01/orchestrator.conf.json']);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('reads the file as the --release names it, openark-3.2.6 by default', () => {
    const d = tmp();
    writeFileSync(join(d, 'orchestrator.conf.json'), '{\n  "RecoverMasterClusterFilters": ["*"],\n  "MySQLTopologyMaxAllowedPacket": 67108864\n}\n');
    const openark = run(['lint', '--orchestrator-config', 'orchestrator.conf.json'], d);
    expect(openark.stdout).toMatch(/3:3\s+error\s+Only percona-3.2.6-13 reads MySQLTopologyMaxAllowedPacket; openark-3.2.6 \(--release\) ignores it silently.*orchestrator-key-not-in-release/);
    expect(openark.code).toBe(1);
    const percona = run(['lint', '--orchestrator-config', 'orchestrator.conf.json', '--release', 'percona-3.2.6-13'], d);
    expect(percona.stdout).toBe('');
    expect(percona.code).toBe(0);
  });

  it('rejects an unknown --release, listing the releases, and --release without --orchestrator-config', () => {
    const unknown = run(['lint', '--orchestrator-config', 'test/golden/tree/orchestrator/main/rha-orc-01/orchestrator.conf.json', '--release', 'percona']);
    expect(unknown.stderr).toContain("argument 'percona' is invalid. Allowed choices are openark-3.2.6, percona-3.2.6-13.");
    expect(unknown.code).toBe(2);
    const policies = run(['lint', 'policies', '--release', 'percona-3.2.6-13']);
    expect(policies.stderr).toBe('succession: --release applies to --orchestrator-config only; for policies, set release on the orchestrator deployment in the fleet file\n');
    expect(policies.stdout).toBe('');
    expect(policies.code).toBe(2);
  });
});
