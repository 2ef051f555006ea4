import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, STACK_FRAME, runCli, tempDir, tree } from './helpers.js';

/**
 * `build --out` into a directory it cannot write must exit 2 and change nothing. Permission bits do
 * not stop root, and CI runs the tests as root: there the build runs as the unprivileged user
 * `nobody` (uid 65534) on a tree it owns, so the same permission bits are what stops it. As any
 * other user the build runs as that user.
 */
const ROOT_USER = process.getuid?.() === 0;
const NOBODY = 65534;
const asRunner = ROOT_USER ? { uid: NOBODY, gid: NOBODY } : {};
/** Whether the runner can start the CLI at all (as nobody it needs to read the checkout). */
const RUNNER_CAN_START = spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, ...asRunner }).status === 0;

function walkDirs(dir: string): string[] {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => walkDirs(join(dir, e.name)))];
}

/** Makes a tree read-only (directories 0555, files 0444) or writable (0755 / 0644) for its owner. */
function setWritable(dir: string, writable: boolean): void {
  for (const d of walkDirs(dir)) {
    chmodSync(d, writable ? 0o755 : 0o555);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isFile()) chmodSync(join(d, e.name), writable ? 0o644 : 0o444);
  }
}

function chownTree(dir: string, id: number): void {
  for (const d of walkDirs(dir)) {
    chownSync(d, id, id);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isFile()) chownSync(join(d, e.name), id, id);
  }
}

describe('build --out where it cannot write', () => {
  const dir = tempDir('readonly');
  const policies = join(dir.path, 'policies');
  const out = join(dir.path, 'out');
  let before: Map<string, Buffer>;

  beforeAll(() => {
    // why: mkdtemp makes the directory 0700; the build may run as another user and must read the policies.
    chmodSync(dir.path, 0o755);
    cpSync(join(ROOT, 'policies'), policies, { recursive: true });
    expect(runCli(['build', policies, '--out', out, '-q']).status).toBe(0);
    // A policy change, so that the next build has files to replace in every target.
    const fleet = join(policies, 'fleet.yaml');
    writeFileSync(fleet, readFileSync(fleet, 'utf8').replace('logDir: /var/log', 'logDir: /var/log/cmon').replace('remoteWorkdir: /var/log/masterha', 'remoteWorkdir: /var/tmp/masterha').replace('metaSchema: meta', 'metaSchema: meta2'));
    before = tree(out);
  });

  beforeEach(() => {
    setWritable(out, true);
    if (ROOT_USER) chownTree(out, NOBODY);
  });

  afterAll(() => {
    setWritable(out, true);
    dir.remove();
  });

  it('the policy change really does change files of every target (so a refused write is a refusal)', () => {
    const check = runCli(['build', policies, '--out', out, '--check', '-q']);
    expect(check.status).toBe(1);
    for (const target of ['cmon/', 'mha/', 'orchestrator/']) expect(check.stdout).toContain(join(out, target));
  });

  // why: skipped only when the tests run as root from a checkout that nobody may read.
  it.runIf(RUNNER_CAN_START)('exits 2 and changes nothing when the whole output tree is read-only', () => {
    setWritable(out, false);
    const r = runCli(['build', policies, '--out', out, '-q'], asRunner);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^succession: cannot write .*: permission denied; nothing was written\.$/m);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(tree(out)).toEqual(before);
  });

  // why: skipped only when the tests run as root from a checkout that nobody may read.
  it.runIf(RUNNER_CAN_START)('exits 2 and changes nothing when only the last target directory is read-only (temporary files of the others are removed)', () => {
    // cmon/ and mha/ are written first (files go in path order); orchestrator/ then fails.
    setWritable(join(out, 'orchestrator'), false);
    const r = runCli(['build', policies, '--out', out, '-q'], asRunner);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*orchestrator.*: permission denied; nothing was written\./);
    expect(tree(out)).toEqual(before);
  });

  it('exits 2 and creates nothing when --out lies under a regular file (ENOTDIR)', () => {
    const file = join(dir.path, 'not-a-directory');
    writeFileSync(file, 'x');
    const r = runCli(['build', policies, '--out', join(file, 'out'), '-q']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`succession: cannot use output directory ${join(file, 'out')}: a parent is not a directory; nothing was written.\n`);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('exits 2 when --out is a regular file, and leaves the file alone', () => {
    const file = join(dir.path, 'a-file');
    writeFileSync(file, 'x');
    const r = runCli(['build', policies, '--out', file, '-q']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is not a directory; nothing was written.');
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it.runIf(existsSync('/proc/self'))('exits 2 (and does not hang) where the kernel refuses to create the directory: --out under /proc', () => {
    // why: mkdir in /proc answers ENOENT although the parent exists; Node's recursive mkdirSync looped forever on that.
    const target = '/proc/self/succession-out';
    const r = runCli(['build', policies, '--out', target, '-q']);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`succession: cannot create ${target}/cmon: no such file or directory; nothing was written.\n`);
  });

  // why: skipped only when the tests run as root from a checkout that nobody may read.
  it.runIf(RUNNER_CAN_START)('still writes the new version once the directory is writable again', () => {
    const r = runCli(['build', policies, '--out', out, '-q'], asRunner);
    expect(r.status).toBe(0);
    expect(tree(out)).not.toEqual(before);
    expect(statSync(out).isDirectory()).toBe(true);
    expect(runCli(['build', policies, '--out', out, '--check', '-q']).status).toBe(0);
  });
});
