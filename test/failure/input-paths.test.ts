import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, STACK_FRAME, tempDir, tree } from './helpers.js';

/**
 * Symbolic links, FIFOs, sockets, devices and glob characters on the command line and in the
 * walked directories: followed or refused with a message, never skipped silently, never waited on.
 */

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir('input-paths');
  cpSync(join(ROOT, 'policies'), join(dir.path, 'p'), { recursive: true });
});
afterEach(() => dir.remove());

function cli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir.path, encoding: 'utf8', input, timeout: 20_000 });
  expect(r.error).toBeUndefined();
  expect(r.stderr).not.toMatch(STACK_FRAME);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}


function mkfifo(path: string): void {
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
}

function build(args: string[]): Map<string, Buffer> {
  const r = cli(['build', ...args, '--out', 'out']);
  expect(r.stderr).toMatch(/^succession: wrote \d+ file/);
  expect(r.status).toBe(0);
  const files = tree(join(dir.path, 'out'));
  rmSync(join(dir.path, 'out'), { recursive: true });
  return files;
}

describe('symbolic links are followed', () => {
  it('a cluster directory and a cluster file reached through links build the same configs as the real tree', () => {
    const plain = build(['p']);
    expect(plain.size).toBeGreaterThan(5);
    renameSync(join(dir.path, 'p/clusters'), join(dir.path, 'elsewhere'));
    symlinkSync('../elsewhere', join(dir.path, 'p/clusters'));
    expect(build(['p'])).toEqual(plain);
    // the drift gate sees the linked clusters too: a build through the link is current
    expect(cli(['build', 'p', '--out', 'out']).status).toBe(0);
    expect(cli(['build', 'p', '--out', 'out', '--check']).status).toBe(0);
    // and one file linked on its own
    rmSync(join(dir.path, 'p/clusters'));
    mkdirSync(join(dir.path, 'p/clusters'));
    for (const f of ['shop.yaml', 'dr.yaml']) symlinkSync(join(dir.path, 'elsewhere', f), join(dir.path, 'p/clusters', f));
    const r = cli(['build', 'p', '--out', 'out', '--check']);
    expect(r.stderr + r.stdout).not.toMatch(/stale|missing|extra/);
    expect(r.status).toBe(0);
  });

  it('the drift gate fails when a linked cluster directory loses its target, instead of passing on fewer clusters', () => {
    renameSync(join(dir.path, 'p/clusters'), join(dir.path, 'elsewhere'));
    symlinkSync('../elsewhere', join(dir.path, 'p/clusters'));
    expect(cli(['build', 'p', '--out', 'out']).status).toBe(0);
    renameSync(join(dir.path, 'elsewhere'), join(dir.path, 'gone'));
    const r = cli(['build', 'p', '--out', 'out', '--check']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: cannot read p/clusters: broken symbolic link (its target does not exist)\n');
  });

  it('link loops end; a file reached through several links is read once', () => {
    symlinkSync('..', join(dir.path, 'p/clusters/up'));
    symlinkSync('.', join(dir.path, 'p/clusters/self'));
    symlinkSync('shop.yaml', join(dir.path, 'p/clusters/shop-again.yaml'));
    symlinkSync(join(dir.path, 'p'), join(dir.path, 'p/clusters/absolute-up'));
    const r = cli(['lint', 'p', 'p/clusters/shop.yaml', '--format', 'json']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { files: 3, errors: 0 } });
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a link that loops on itself, or points nowhere, is an error naming it', () => {
    symlinkSync('loop.yaml', join(dir.path, 'p/clusters/loop.yaml'));
    let r = cli(['lint', 'p']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: cannot read p/clusters/loop.yaml: broken symbolic link (it loops)\n');
    rmSync(join(dir.path, 'p/clusters/loop.yaml'));
    symlinkSync('/nonexistent/x.yaml', join(dir.path, 'p/clusters/x.yaml'));
    r = cli(['lint', 'p/clusters/x.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: cannot read p/clusters/x.yaml: broken symbolic link (its target does not exist)\n');
  });

  it('a fleet.yaml that is a broken link is an error, not "no fleet"', () => {
    rmSync(join(dir.path, 'p/fleet.yaml'));
    symlinkSync('fleet-moved.yaml', join(dir.path, 'p/fleet.yaml'));
    const r = cli(['lint', 'p/clusters']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^succession: cannot read p\/fleet\.yaml: broken symbolic link \(its target does not exist\)\n$/);
  });
});

describe('FIFOs, sockets and devices are refused, never waited on', () => {
  it('a FIFO named like a policy in a walked directory', () => {
    mkfifo(join(dir.path, 'p/clusters/new.yaml'));
    for (const args of [['lint', 'p'], ['build', 'p', '--out', 'out'], ['build', 'p', '--out', 'out', '--check'], ['lint', 'p/**/*.yaml']]) {
      const r = cli(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('succession: cannot read p/clusters/new.yaml: it is a FIFO (named pipe), not a regular file\n');
      expect(r.ms).toBeLessThan(10_000);
    }
  });

  it('a FIFO, a socket or a device given as the policy, the fleet or the topology', async () => {
    mkfifo(join(dir.path, 'pipe.yaml'));
    const socket: Server = createServer();
    await new Promise<void>((r) => socket.listen(join(dir.path, 'sock.yaml'), () => r()));
    try {
      const cases: [string[], string][] = [
        [['lint', 'pipe.yaml'], 'cannot read pipe.yaml: it is a FIFO (named pipe), not a regular file or a directory'],
        [['lint', 'p', '--fleet', 'pipe.yaml'], 'cannot read pipe.yaml: it is a FIFO (named pipe), not a regular file'],
        [['lint', 'p/clusters', '--fleet', '/dev/zero'], 'cannot read /dev/zero: it is a character device, not a regular file'],
        [['lint', '/dev/zero'], 'cannot read /dev/zero: it is a character device, not a regular file or a directory'],
        [['lint', 'sock.yaml'], 'cannot read sock.yaml: it is a socket, not a regular file or a directory'],
        [['check', 'p', '--topology', 'pipe.yaml'], 'cannot read topology pipe.yaml: it is a FIFO (named pipe), not a regular file'],
        [['simulate', 'shop', '--policies', 'p', '--topology', '/dev/zero'], 'cannot read topology /dev/zero: it is a character device, not a regular file'],
      ];
      for (const [args, message] of cases) {
        const r = cli(args);
        expect(r.stderr, args.join(' ')).toBe(`succession: ${message}\n`);
        expect(r.status).toBe(2);
        expect(r.ms).toBeLessThan(10_000);
      }
    } finally {
      socket.close();
    }
  });

  it('a FIFO or socket that is not named like a policy is left alone, as any other non-policy file', () => {
    mkfifo(join(dir.path, 'p/clusters/README'));
    expect(cli(['lint', 'p']).status).toBe(0);
  });
});

describe('paths with glob characters', () => {
  it('an existing path is literal, whatever characters it holds', () => {
    mkdirSync(join(dir.path, 'q[1]'));
    cpSync(join(dir.path, 'p/fleet.yaml'), join(dir.path, 'q[1]/fleet.yaml'));
    cpSync(join(dir.path, 'p/clusters/shop.yaml'), join(dir.path, 'q[1]/*.yaml'));
    mkdirSync(join(dir.path, 'q1'));
    writeFileSync(join(dir.path, 'q1/broken.yaml'), 'kind: [\n');
    let r = cli(['lint', 'q[1]', '--format', 'json']);
    expect(r.status, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { files: 2 } });
    r = cli(['lint', 'q[1]/*.yaml', '--fleet', 'q[1]/fleet.yaml', '--format', 'json']);
    expect(r.status, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { files: 2 } });
  });

  it('globs have shell semantics: [!x] negates, {a,b} alternates, ** crosses directories', () => {
    const files = (pattern: string): number => {
      const r = cli(['lint', pattern, '--format', 'json']);
      expect(r.status, `${pattern}: ${r.stderr}`).toBe(0);
      return (JSON.parse(r.stdout) as { summary: { files: number } }).summary.files;
    };
    // fleet.yaml is found by itself in every case: the counts are the clusters matched plus one
    expect(files('p/clusters/[!d]*.yaml')).toBe(2);
    expect(files('p/clusters/[!s]*.yaml')).toBe(2);
    expect(files('p/clusters/{shop,dr}.yaml')).toBe(3);
    expect(files('p/clusters/*.y{a,}ml')).toBe(3);
    expect(files('p/**/*.yaml')).toBe(3);
    const none = cli(['lint', 'p/clusters/[!ds]*.yaml']);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('succession: no policy files found at "p/clusters/[!ds]*.yaml"\n');
  });

  it('a glob follows linked directories like a directory walk does', () => {
    renameSync(join(dir.path, 'p/clusters'), join(dir.path, 'elsewhere'));
    symlinkSync('../elsewhere', join(dir.path, 'p/clusters'));
    const r = cli(['lint', 'p/**/*.yaml', '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { files: 3 } });
    expect(readFileSync(join(dir.path, 'elsewhere/shop.yaml'), 'utf8')).toContain('shop');
  });
});
