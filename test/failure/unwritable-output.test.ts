import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATEMENTS } from '../../src/topology/mysql.js';
import { startFakeMysql, variables, type Answer, type FakeMysql } from '../topology/fake-mysql.js';
import { BIN, ROOT, STACK_FRAME, runCli, tempDir, tree } from './helpers.js';

/**
 * Standard output that cannot be written, for every command that writes there: a full disk
 * (`> /dev/full`) and a reader that closed the pipe. One line on stderr and exit 2: not 0 (the
 * output is lost), not 1 (that means "findings"), no stack trace.
 */

const FULL = 'succession: cannot write standard output: no space left on device\n';
const CLOSED = 'succession: cannot write standard output: the reader closed the pipe\n';

interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the CLI asynchronously (a fake server in this process must keep answering) with its
 * standard output on /dev/full, or on a pipe whose reading end is closed before the CLI starts.
 */
function runInto(target: 'full' | 'closed', args: string[], env: Record<string, string> = {}): Promise<Result> {
  const fd = target === 'full' ? openSync('/dev/full', 'w') : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env, GITHUB_ACTIONS: '' }, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
    if (fd !== undefined) closeSync(fd);
    else child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

const HAS_DEV_FULL = existsSync('/dev/full');
if (!HAS_DEV_FULL) console.warn('SKIPPED the /dev/full cases of unwritable-output.test.ts: this machine has no /dev/full');

/** A standalone MariaDB-like server for discover: every statement answered, no replicas. */
function standalone(sql: string): Answer {
  if (sql === STATEMENTS.variables) return variables({ version: '10.11.6-MariaDB', server_id: '1', read_only: 'OFF', log_bin: 'ON', gtid_binlog_pos: '0-1-5', gtid_current_pos: '0-1-5' });
  if (sql === STATEMENTS.status) return variables({});
  if (sql === STATEMENTS.replicaStatusNew || sql === STATEMENTS.replicaStatusOld || sql === STATEMENTS.replicaStatusMariaDb) return { columns: ['Master_Host'], rows: [] };
  if (sql === STATEMENTS.replicasNew || sql === STATEMENTS.replicasOld) return { columns: ['Server_id', 'Host', 'Port'], rows: [] };
  if (sql === STATEMENTS.dumpThreads) return { columns: ['HOST'], rows: [] };
  return { errno: 1064, message: 'syntax error' };
}

describe('standard output that cannot be written', () => {
  const dir = tempDir('unwritable');
  const bad = join(dir.path, 'bad.yaml');
  const empty = join(dir.path, 'empty');
  const fresh = join(dir.path, 'fresh');
  let fake: FakeMysql;

  beforeAll(async () => {
    writeFileSync(bad, 'kind: cluster\nname: c1\nprimary: db1\nhosts: { db1: {}, db2: {} }\ncandidates: { whitelist: [ghost] }\n');
    mkdirSync(empty);
    fake = await startFakeMysql('10.11.6-MariaDB', standalone);
  });
  afterAll(() => {
    fake.close();
    dir.remove();
  });

  // Each writes to standard output when it succeeds (lint, build and check: findings).
  const cases: [string, () => string[]][] = [
    ['lint', () => ['lint', bad]],
    ['lint -f json', () => ['lint', bad, '-f', 'json']],
    ['lint -f sarif', () => ['lint', bad, '-f', 'sarif']],
    ['lint -f github', () => ['lint', bad, '-f', 'github']],
    ['build stopped by lint errors', () => ['build', bad, '--out', join(dir.path, 'never')]],
    ['build --check', () => ['build', 'policies', '--out', empty, '--check']],
    ['check', () => ['check', 'policies', '--topology', 'test/simulate/fixtures/shop-drifted.json']],
    ['simulate', () => ['simulate', 'shop', '--topology', 'policies/topology.json']],
    ['simulate --each-single-failure -f json', () => ['simulate', 'shop', '--topology', 'policies/topology.json', '--each-single-failure', '-f', 'json']],
    ['discover', () => ['discover', '--seed', `127.0.0.1:${fake.port}`]],
    ['rules', () => ['rules']],
    ['rules ID', () => ['rules', 'schema']],
    ['--help', () => ['--help']],
    ['lint --help', () => ['lint', '--help']],
    ['--version', () => ['--version']],
  ];
  const env = { MYSQL_USER: 'topo', MYSQL_PWD: 'Secret-pw-9' };

  for (const [name, args] of cases) {
    it.skipIf(!HAS_DEV_FULL)(`${name} > /dev/full: one line on stderr, exit 2`, { timeout: 30_000 }, async () => {
      const r = await runInto('full', args(), env);
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe(FULL);
      expect(r.status).toBe(2);
    });

    it(`${name} into a closed pipe: one line on stderr, exit 2`, { timeout: 30_000 }, async () => {
      const r = await runInto('closed', args(), env);
      expect(r.signal).toBeNull();
      expect(r.stderr).toBe(CLOSED);
      expect(r.status).toBe(2);
    });
  }

  it('the same commands with a writable standard output succeed as usual (the cases above really write)', async () => {
    for (const [, args] of cases) {
      const child = spawn(process.execPath, [BIN, ...args()], { cwd: ROOT, env: { ...process.env, ...env, GITHUB_ACTIONS: '' }, stdio: ['ignore', 'pipe', 'ignore'] });
      let out = 0;
      child.stdout.on('data', (c: Buffer) => (out += c.length));
      const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(out, args().join(' ')).toBeGreaterThan(0);
      expect([0, 1], args().join(' ')).toContain(status);
    }
  }, 60_000);

  it.skipIf(!HAS_DEV_FULL)('standard error on /dev/full: a message that is lost makes exit 2; a run that writes none keeps its code', () => {
    const sh = (cmd: string) => spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${cmd}`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    // build says "wrote N file(s)" on stderr.
    const build = sh(`build policies --out "${join(dir.path, 'stderr-full')}" -q 2>/dev/full`);
    expect(build.stdout).toBe('');
    expect(build.status).toBe(2);
    expect(sh(`lint nope 2>/dev/full`).status).toBe(2);
    // lint with findings writes only to stdout: exit 1 as usual.
    const lint = sh(`lint "${bad}" 2>/dev/full`);
    expect(lint.stdout).toContain('undeclared-host');
    expect(lint.status).toBe(1);
  });

  it.skipIf(!HAS_DEV_FULL)('build that wrote its files, then cannot print its findings: the files stay written, exit 2', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" build policies --out "${fresh}" --verbose > /dev/full`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const lines = r.stderr.split('\n');
    expect(lines).toEqual([expect.stringMatching(/^succession: wrote [0-9]+ file\(s\), 0 unchanged \(output directory /), FULL.trimEnd(), '']);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    // The build is complete: a check against the same directory finds nothing stale.
    expect(runCli(['build', 'policies', '--out', fresh, '--check', '-q']).status).toBe(0);
  });
});

/**
 * Files on a full file system: `build --out` and `discover -o` on a small tmpfs filled to the
 * last block. Mounting needs root (CI runs the tests as root); elsewhere these are skipped, loudly.
 */
const mountPoint = tempDir('fullfs');
const MOUNTED = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint.path]).status === 0;
if (!MOUNTED) {
  console.warn('SKIPPED the full file-system cases of unwritable-output.test.ts: cannot mount a tmpfs (needs root)');
  mountPoint.remove();
}

describe.skipIf(!MOUNTED)('files on a full file system', () => {
  const policies = join(mountPoint.path, 'policies');
  const out = join(mountPoint.path, 'out');
  const snapshot = join(mountPoint.path, 'topology.json');
  let fake: FakeMysql;
  let before: Map<string, Buffer>;

  beforeAll(async () => {
    cpSync(join(ROOT, 'policies'), policies, { recursive: true });
    expect(runCli(['build', policies, '--out', out, '-q']).status).toBe(0);
    writeFileSync(snapshot, '{"old": true}\n');
    const fleet = join(policies, 'fleet.yaml');
    writeFileSync(fleet, readFileSync(fleet, 'utf8').replace('metaSchema: meta', 'metaSchema: meta2'));
    before = tree(mountPoint.path);
    // Fill the file system to its last block.
    const fd = openSync(join(mountPoint.path, 'filler'), 'w');
    try {
      const block = Buffer.alloc(4096);
      for (;;) writeSync(fd, block);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    fake = await startFakeMysql('10.11.6-MariaDB', standalone);
  });

  afterAll(() => {
    fake?.close();
    spawnSync('umount', [mountPoint.path]);
    mountPoint.remove();
  });

  it('build --out: exit 2 naming the full disk; every file old, no temporary file left', () => {
    const r = runCli(['build', policies, '--out', out, '-q']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no space left on device; nothing was written\.\n$/);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const after = tree(mountPoint.path);
    after.delete('filler');
    expect(after).toEqual(before);
  });

  it('discover -o: exit 2 naming the full disk; the old snapshot kept, no temporary file left', async () => {
    const child = spawn(process.execPath, [BIN, 'discover', '--seed', `127.0.0.1:${fake.port}`, '-o', snapshot], {
      cwd: ROOT,
      env: { ...process.env, MYSQL_USER: 'topo', MYSQL_PWD: 'Secret-pw-9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe(`succession: cannot write ${snapshot}: no space left on device\n`);
    expect(stdout).toBe('');
    expect(status).toBe(2);
    const after = tree(mountPoint.path);
    after.delete('filler');
    expect(after).toEqual(before);
  });
});
