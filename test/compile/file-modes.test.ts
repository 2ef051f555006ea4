import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEW_DIRECTORY_MODE, NEW_FILE_MODE } from '../../src/compile/durable.js';
import { BIN } from '../cli/helpers.js';
import { FLEET, cluster, tempDirs } from './helpers.js';

// The files a build replaces hold what others put there (a cmon file is 0600 because it holds
// cmon's passwords): a replaced file keeps its mode and owner, a new one gets the documented mode,
// and the temporary file is never wider than the final one.
const tmp = tempDirs('succession-modes-');
const ROOT_USER = process.getuid?.() === 0;
const OTHER = 65534;
const mode = (f: string) => statSync(f).mode & 0o7777;
const HAS_STRACE = spawnSync('strace', ['-V']).status === 0;

/** A test that needs root (to chown) or strace: skipped where they are missing, and said so. */
function itWhere(condition: boolean, why: string, name: string, fn: () => void): void {
  if (!condition) console.warn(`SKIPPED "${name}": ${why}`);
  (condition ? it : it.skip)(name, fn);
}

function repo(whitelist = 'a-2:3306'): string {
  const dir = tmp();
  writeFileSync(join(dir, 'fleet.yaml'), FLEET);
  writeFileSync(join(dir, 'a.yaml'), cluster('a', 7, `candidates: { whitelist: [${whitelist}] }\n`));
  return dir;
}

function build(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'build', join(dir, 'a.yaml'), '--fleet', join(dir, 'fleet.yaml'), '-q', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const HAND_KEPT = Buffer.concat([
  Buffer.from('# cmon_7.cnf, kept by ClusterControl (r', 'latin1'),
  Buffer.from([0xe9]),
  Buffer.from("sum)\r\ncluster_id=7\r\nmysql_password='s3cret'\r\nname=old\r\nrpc_key=abc", 'latin1'),
]);

describe('--merge-into', () => {
  itWhere(ROOT_USER, 'giving a file to another owner needs root', "keeps the target's mode and owner and every byte it does not manage", () => {
    const dir = repo();
    const target = join(dir, 'cmon_7.cnf');
    writeFileSync(target, HAND_KEPT, { mode: 0o600 });
    chownSync(target, OTHER, OTHER);
    expect(build(dir, '--merge-into', target).status).toBe(0);
    const st = statSync(target);
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o600, OTHER, OTHER]);
    const merged = readFileSync(target);
    const text = merged.toString('latin1');
    expect(merged.subarray(0, 41)).toEqual(HAND_KEPT.subarray(0, 41));
    expect(text).toContain("\r\nmysql_password='s3cret'\r\nname=a\r\nrpc_key=abc\r\nmysql_server_addresses=");
    expect(text.endsWith('\n')).toBe(false);
    expect(build(dir, '--merge-into', target, '--check').status).toBe(0);
  });

  it('updates the target of a symbolic link and leaves the link in place', () => {
    const dir = repo();
    mkdirSync(join(dir, 'etc'));
    const real = join(dir, 'etc', 'cmon_7.cnf');
    writeFileSync(real, 'cluster_id=7\nname=old\n', { mode: 0o640 });
    const link = join(dir, 'cmon.cnf');
    symlinkSync(real, link);
    expect(build(dir, '--merge-into', link).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toContain('\nname=a\n');
    expect(mode(real)).toBe(0o640);
    expect(build(dir, '--merge-into', link, '--check').status).toBe(0);
  });

  itWhere(ROOT_USER, 'the test runs the build as another user (nobody), which needs root', 'stops with exit 2 and writes nothing when it cannot keep the owner', () => {
    const dir = repo();
    // why: the build runs as nobody, which must reach the policies and write into the directory.
    chmodSync(dir, 0o777);
    const target = join(dir, 'cmon_7.cnf');
    writeFileSync(target, 'cluster_id=7\nname=old\n', { mode: 0o644 });
    const r = spawnSync(process.execPath, [BIN, 'build', join(dir, 'a.yaml'), '--fleet', join(dir, 'fleet.yaml'), '-q', '--merge-into', target], { cwd: dir, encoding: 'utf8', uid: OTHER, gid: OTHER });
    if (r.status === 0 || /cannot find module|EACCES.*main\.js/i.test(r.stderr)) throw new Error(`the build could not run as nobody: ${r.stderr}`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cannot keep the owner of ${target} (uid 0, gid 0): permission denied; nothing was written.`);
    expect(readFileSync(target, 'utf8')).toBe('cluster_id=7\nname=old\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says so, with exit 2, when the link leads nowhere', () => {
    const dir = repo();
    symlinkSync(join(dir, 'missing.cnf'), join(dir, 'cmon_7.cnf'));
    const r = build(dir, '--merge-into', join(dir, 'cmon_7.cnf'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cmon_7.cnf: no such file or directory');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  itWhere(HAS_STRACE, 'strace is not installed (apt-get install strace)', 'creates the temporary file with the final mode, never wider', () => {
    const dir = repo();
    const target = join(dir, 'cmon_7.cnf');
    writeFileSync(target, 'cluster_id=7\n', { mode: 0o600 });
    const log = join(dir, 'strace.log');
    const r = spawnSync('strace', ['-f', '-e', 'trace=openat', '-o', log, process.execPath, BIN, 'build', join(dir, 'a.yaml'), '--fleet', join(dir, 'fleet.yaml'), '-q', '--merge-into', target], { cwd: dir });
    expect(r.status).toBe(0);
    const opens = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('.cmon_7.cnf.succession-'));
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatch(/O_CREAT\|O_EXCL.*, 0600\)/);
  });
});

describe('--out', () => {
  it('creates new files and directories with the documented modes (less the umask)', () => {
    const dir = repo();
    expect(build(dir, '--out', 'out').status).toBe(0);
    const umask = process.umask();
    expect(mode(join(dir, 'out/cmon/cmon_7.cnf'))).toBe(NEW_FILE_MODE & ~umask);
    expect(mode(join(dir, 'out/mha/a.cnf'))).toBe(NEW_FILE_MODE & ~umask);
    expect(mode(join(dir, 'out/orchestrator/main/orc-1/orchestrator.conf.json'))).toBe(NEW_FILE_MODE & ~umask);
    expect(mode(join(dir, 'out/orchestrator/main'))).toBe(NEW_DIRECTORY_MODE & ~umask);
  });

  itWhere(ROOT_USER, 'giving a file to another owner needs root', 'keeps the mode and owner of a file it regenerates', () => {
    const dir = repo();
    expect(build(dir, '--out', 'out').status).toBe(0);
    const cnf = join(dir, 'out/cmon/cmon_7.cnf');
    const mha = join(dir, 'out/mha/a.cnf');
    chmodSync(cnf, 0o600);
    chownSync(cnf, OTHER, OTHER);
    chmodSync(mha, 0o664);
    const before = readFileSync(cnf);
    writeFileSync(join(dir, 'a.yaml'), cluster('a', 7, 'candidates: { whitelist: [a-3:3306] }\n'));
    expect(build(dir, '--out', 'out').status).toBe(0);
    expect(readFileSync(cnf)).not.toEqual(before);
    expect([mode(cnf), statSync(cnf).uid, statSync(cnf).gid]).toEqual([0o600, OTHER, OTHER]);
    expect(mode(mha)).toBe(0o664);
  });
});
