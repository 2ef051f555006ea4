import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run } from '../cli/helpers.js';

// A policy repository made here: main holds the example policies; the working tree narrows
// shop's whitelist to rha-db-03 (as test/diff/fixtures/proposed does).

const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
let repo: string;
let scratch: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env: { ...process.env, ...ENV }, encoding: 'utf8' });
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'succession-report-test-'));
  scratch = mkdtempSync(join(tmpdir(), 'succession-report-out-'));
  git('init', '-q', '-b', 'main');
  cpSync(join(ROOT, 'policies'), join(repo, 'policies'), { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'example policies');
  const shop = join(repo, 'policies/clusters/shop.yaml');
  writeFileSync(shop, readFileSync(shop, 'utf8').replace('whitelist: [rha-db-02:3306, rha-db-03:3306]', 'whitelist: [rha-db-03:3306]'));
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

function report(args: string[], cwd = ROOT) {
  return run(['report', ...args], { cwd });
}

/** A usage error: exit 2, one clear message, no stack trace, nothing written. */
function refused(args: string[], message: string | RegExp, cwd = ROOT) {
  const out = join(mkdtempSync(join(scratch, 'refused-')), 'out');
  const r = report([...args, '--out', out], cwd);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(out, 'index.html'))).toBe(false);
}

describe('succession report', () => {
  it('writes one self-contained page for the example repository', () => {
    const out = join(scratch, 'all');
    const r = report(['--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wrote ${join(out, 'index.html')} (2 clusters)\n`);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('data-name="dr" data-hosts="7"');
    expect(html).toContain('data-name="shop" data-hosts="5"');
    expect(html).toContain('topology: policies/topology.json');
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    expect(html).not.toMatch(/\b(src|href)="(?!#|https:\/\/github\.com\/succession-dev\/succession\/)/);
  });

  it('reports one cluster with --cluster, and a path given as argument', () => {
    const out = join(scratch, 'one');
    expect(report(['policies/', '--cluster', 'shop', '--out', out]).status).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('data-name="shop" data-hosts');
    expect(html).not.toContain('data-name="dr"');
  });

  it('keeps the mode of a page it replaces (the durable writer), and exits 0 with findings', () => {
    const out = join(scratch, 'again');
    expect(report(['test/diff/fixtures/proposed', '--topology', 'policies/topology.json', '--out', out]).status).toBe(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('single-promotable-candidate');
    chmodSync(join(out, 'index.html'), 0o640);
    expect(report(['test/diff/fixtures/proposed', '--topology', 'policies/topology.json', '--out', out]).status).toBe(0);
    expect(statSync(join(out, 'index.html')).mode & 0o777).toBe(0o640);
  });

  it('with --base REV highlights what the working tree moves', () => {
    const out = join(scratch, 'base');
    const r = report(['--base', 'main', '--out', out], repo);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`wrote ${join(out, 'index.html')} (2 clusters, 1 changed)\n`);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Compared with <strong>main');
    expect(html).toContain('<del>rha-db-02:3306</del> → <ins>rha-db-03:3306</ins>');
    expect(html).toContain('cand-removed" data-host="rha-db-02:3306"');
    // the changed cluster comes first
    expect(html.indexOf('data-name="shop" data-hosts')).toBeLessThan(html.indexOf('data-name="dr" data-hosts'));
    expect(git('worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('with --base DIR compares with a policy directory', () => {
    const out = join(scratch, 'base-dir');
    expect(report(['test/diff/fixtures/proposed', '--base', 'policies', '--topology', 'policies/topology.json', '--out', out]).status).toBe(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<del>rha-db-02:3306</del> → <ins>rha-db-03:3306</ins>');
  });

  it('refuses bad input with exit 2 and writes nothing', () => {
    refused(['--cluster', 'shopp'], /^succession: no cluster named "shopp" in policies\/\. Did you mean "shop"\?\n$/);
    refused(['--base', 'no-such-rev'], /unknown revision "no-such-rev"/, repo);
    refused(['no-such-dir/'], /no-such-dir/);
    refused(['-'], /standard input/);
    refused(['--topology', join(scratch, 'missing.json')], /missing\.json/);
    const r = report([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("required option '--out <dir>' not specified");
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const f = report(['--out', file]);
    expect(f.status).toBe(2);
    expect(f.stderr).toMatch(/a-file/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});
