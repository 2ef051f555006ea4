import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Instance, OrchestratorUser } from '../../src/topology/model.js';
import { run } from './helpers.js';

// `--orchestrator-credentials` and the example repository's shop cluster (MySQL 8.0, managed by
// orchestrator) against its recorded topology, with and without what orchestrator's user may do.

const dir = mkdtempSync(join(tmpdir(), 'succession-orc-user-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALL: OrchestratorUser = { user: 'orc', may: { replication: true, readOnly: true, semiSyncSource: true, semiSyncReplica: true }, missing: [] };

/** The example snapshot with `orchestratorUser` on every instance, `of(key)` deciding which (none when undefined). */
function snapshotWith(name: string, of: (key: string) => OrchestratorUser | undefined): string {
  const doc = JSON.parse(readFileSync('policies/topology.json', 'utf8')) as { instances: Instance[] };
  for (const i of doc.instances) {
    const u = of(i.key);
    if (u === undefined) delete i.orchestratorUser;
    else i.orchestratorUser = u;
  }
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

describe('check with what orchestrator may do', () => {
  it('says in one line when a snapshot does not hold it, and how to get it', () => {
    const r = run(['check', '--topology', snapshotWith('unverified.json', () => undefined)]);
    expect(r.stderr).toBe(
      "succession: note: the recovery privileges of orchestrator's topology user were not verified for cluster shop; they are read from the servers: use a mysql:// or orchestrator topology with --orchestrator-credentials FILE, or a snapshot written by succession discover --orchestrator-credentials FILE\n",
    );
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('says nothing more when the snapshot holds it and the user may do everything', () => {
    const r = run(['check', '--topology', snapshotWith('all.json', () => ALL)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('reports a candidate where the user lacks SYSTEM_VARIABLES_ADMIN, at its host key', () => {
    const lacking: OrchestratorUser = { user: 'orc', may: { replication: true, readOnly: false, semiSyncSource: false, semiSyncReplica: false }, missing: ['SYSTEM_VARIABLES_ADMIN'] };
    const r = run(['check', '--topology', snapshotWith('lacking.json', (k) => (k === 'rha-db-03:3306' ? lacking : ALL)), '-f', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number; column: number; message: string }[] }).findings;
    expect(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['policies/clusters/shop.yaml:15:3 live-orchestrator-user-privileges']);
    expect(findings[0]!.message).toContain('lacks SYSTEM_VARIABLES_ADMIN (SET GLOBAL read_only / super_read_only, SET GLOBAL rpl_semi_sync_master_enabled, SET GLOBAL rpl_semi_sync_slave_enabled; or SUPER) on rha-db-03:3306');
  });
});

describe('--orchestrator-credentials', () => {
  const cnf = join(dir, 'topology.cnf');

  it('needs a topology whose servers it can log in to (mysql:// or orchestrator), not a snapshot', () => {
    writeFileSync(cnf, '[client]\nuser=orc\npassword="Orc#pw;1"\n');
    const r = run(['check', '--topology', 'policies/topology.json', '--orchestrator-credentials', cnf]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: --orchestrator-credentials needs a mysql:// or orchestrator topology: the grants are read from the servers themselves\n');
  });

  it('an unreadable file is a usage error naming it, before any server is asked', () => {
    const missing = join(dir, 'missing.cnf');
    for (const args of [['check', '--topology', 'mysql://127.0.0.1:1'], ['simulate', 'shop', '--topology', 'mysql://127.0.0.1:1'], ['discover', '--seed', '127.0.0.1:1']]) {
      const r = run([...args, '--orchestrator-credentials', missing]);
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe(`succession: cannot read orchestrator credentials file ${missing}: no such file or directory\n`);
    }
  });

  it('a line orchestrator would refuse is a usage error at its line and column, without the password', () => {
    writeFileSync(cnf, '[client]\nuser=orc\npassword=Orc-pw\\1\n');
    for (const args of [['check', '--topology', 'mysql://127.0.0.1:1'], ['discover', '--seed', '127.0.0.1:1']]) {
      const r = run([...args, '--orchestrator-credentials', cnf]);
      expect(r.status, args[0]).toBe(2);
      expect(r.stderr, args[0]).toBe(`succession: ${cnf}:3:16: a "\\" outside quotes must end the line or precede a double quote (orchestrator refuses to start with this file)\n`);
      expect(r.stderr).not.toContain('Orc-pw');
    }
  });
});
