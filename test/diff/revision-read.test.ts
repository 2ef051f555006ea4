import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run } from '../cli/helpers.js';

// diff reads revisions from git objects (ls-tree, cat-file) rather than checkouts; what it reads
// must be what a checkout holds. Each test compares a diff of revisions with the diff of the same
// revisions checked out by git into directories (or copied from the working tree).

const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
let repo: string;
let scratch: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env: { ...process.env, ...ENV }, encoding: 'utf8' });
}

function write(file: string, text: string): void {
  mkdirSync(join(repo, file, '..'), { recursive: true });
  writeFileSync(join(repo, file), text);
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(join(repo, file), 'utf8');
  expect(text).toContain(from);
  write(file, text.replace(from, to));
}

function commitOn(branch: string, from: string, change: () => void): void {
  git('checkout', '-q', '-b', branch, from);
  change();
  git('add', '-A');
  git('commit', '-q', '-m', branch);
}

const CONFIG = 'kind: config\nrules:\n  single-promotable-candidate: off\n';

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'succession-diff-read-'));
  scratch = mkdtempSync(join(tmpdir(), 'succession-diff-dirs-'));
  git('init', '-q', '-b', 'main');
  cpSync(join(ROOT, 'policies'), join(repo, 'policies'), { recursive: true });
  // why: what the directory walk leaves out must stay out: hidden files, node_modules, non-policy YAML.
  write('policies/.drafts/x.yaml', 'kind: cluster\nname: hidden\n');
  write('policies/node_modules/y.yaml', 'kind: cluster\nname: vendored\n');
  write('policies/notes.yaml', 'title: not a policy\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'example policies');
  commitOn('narrow', 'main', () => {
    edit('policies/clusters/shop.yaml', 'whitelist: [rha-db-02:3306, rha-db-03:3306]', 'whitelist: [rha-db-03:3306]');
    write('policies/clusters/extra.yaml', readFileSync(join(repo, 'policies/clusters/dr.yaml'), 'utf8').replace('name: dr', 'name: extra').replace('clusterId: 2', 'clusterId: 9'));
  });
  commitOn('renamed', 'narrow', () => git('mv', 'policies/clusters/dr.yaml', 'policies/clusters/zz-dr.yaml'));
  commitOn('linked', 'narrow', () => symlinkSync('shop.yaml', join(repo, 'policies/clusters/shop-link.yaml')));
  commitOn('configured', 'narrow', () => write('succession.config.yaml', CONFIG));
  commitOn('described', 'narrow', () => edit('policies/clusters/shop.yaml', 'kind: cluster', 'kind: cluster\n# described'));
  commitOn('fleet-change', 'narrow', () => edit('policies/fleet.yaml', 'maxLagSeconds: 10', 'maxLagSeconds: 5'));
  git('checkout', '-q', 'main');
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

function json(args: string[], cwd = repo) {
  const r = run(['diff', ...args, '-f', 'json'], { cwd, env: { NO_COLOR: '1' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

/** A revision checked out by git into a directory of its own. */
function checkedOut(rev: string): string {
  const dir = join(scratch, rev);
  git('worktree', 'add', '--detach', '-q', dir, rev);
  return dir;
}

const content = (r: { base: string; head: string }) => ({ ...r, base: '', head: '' });

function worktrees(): number {
  return git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;
}

describe('succession diff reads revisions as their checkouts hold them', () => {
  const pairs = [
    ['main', 'narrow'],
    ['narrow', 'renamed'],
    ['narrow', 'linked'],
    ['main', 'fleet-change'],
  ];
  for (const [base, head] of pairs) {
    it(`${base} → ${head}`, () => {
      const revisions = json([base!, head!]);
      const dirs = json([checkedOut(base!), checkedOut(head!), '--policies', 'policies/']);
      expect(content(revisions)).toEqual(content(dirs));
      git('worktree', 'remove', '--force', join(scratch, base!));
      git('worktree', 'remove', '--force', join(scratch, head!));
    });
  }

  it('reads a revision holding a link by checking it out, and removes the checkout', () => {
    const r = json(['main', 'linked']);
    // why: the link is a second path to shop.yaml, read once under its first path, as lint reads it.
    expect(r.clusters.map((c: { name: string }) => c.name)).toEqual(['extra', 'shop']);
    expect(worktrees()).toBe(1);
  });

  it('compares the working tree, with uncommitted, untracked and deleted files, as a copy of it', () => {
    git('checkout', '-q', 'narrow');
    try {
      edit('policies/clusters/dr.yaml', 'whitelist: [10.0.0.141:3306, 10.0.0.142:3306, 10.0.0.143:3306]', 'whitelist: [10.0.0.141:3306, 10.0.0.142:3306]');
      write('policies/clusters/new.yaml', readFileSync(join(repo, 'policies/clusters/extra.yaml'), 'utf8').replace('name: extra', 'name: new').replace('clusterId: 9', 'clusterId: 10'));
      rmSync(join(repo, 'policies/clusters/shop.yaml'));
      const working = json(['main']);
      const copy = join(scratch, 'copy');
      cpSync(join(repo, 'policies'), join(copy, 'policies'), { recursive: true });
      const dirs = json([checkedOut('main'), copy, '--policies', 'policies/']);
      expect(content(working)).toEqual(content(dirs));
      expect(working.clusters.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
        ['dr', 'changed'],
        ['extra', 'added'],
        ['new', 'added'],
        ['shop', 'removed'],
      ]);
      git('worktree', 'remove', '--force', join(scratch, 'main'));
    } finally {
      git('checkout', '-q', '-f', 'narrow');
      git('clean', '-q', '-f', 'policies');
      git('checkout', '-q', 'main');
    }
  });
});

describe('succession diff reads each side\'s configuration file', () => {
  it('applies the head\'s rule settings to the head\'s findings, and the base\'s to the base\'s', () => {
    // why: narrow gives shop a single candidate; configured turns that rule off as well.
    const narrowed = json(['main', 'narrow']).clusters.find((c: { name: string }) => c.name === 'shop');
    expect(narrowed.findings.added.map((f: { ruleId: string }) => f.ruleId)).toEqual(['single-promotable-candidate']);
    const configured = json(['main', 'configured']).clusters.find((c: { name: string }) => c.name === 'shop');
    expect(configured.findings.added).toEqual([]);
    // why: described drops the configuration and touches shop's file, so that shop's findings are compared.
    const back = json(['configured', 'described']);
    expect(back.clusters.find((c: { name: string }) => c.name === 'shop').findings.added.map((f: { ruleId: string }) => f.ruleId)).toEqual(['single-promotable-candidate']);
  });

  it('ignores the configuration with --no-config, and reads --config FILE for both sides', () => {
    const off = json(['main', 'configured', '--no-config']).clusters.find((c: { name: string }) => c.name === 'shop');
    expect(off.findings.added.map((f: { ruleId: string }) => f.ruleId)).toEqual(['single-promotable-candidate']);
    const file = join(scratch, 'other.config.yaml');
    writeFileSync(file, CONFIG);
    const given = json(['main', 'narrow', '--config', file]).clusters.find((c: { name: string }) => c.name === 'shop');
    expect(given.findings.added).toEqual([]);
  });

  it('takes the policy paths and ignore patterns from the configuration', () => {
    git('checkout', '-q', '-b', 'paths', 'narrow');
    try {
      write('succession.config.yaml', 'kind: config\npaths: [policies]\nignore: [policies/clusters/extra.yaml]\n');
      git('add', '-A');
      git('commit', '-q', '-m', 'paths');
      const r = json(['main', 'paths']);
      expect(r.clusters.map((c: { name: string }) => c.name)).toEqual(['shop']);
      expect(r.clusters[0].file.after).toBe('policies/clusters/shop.yaml');
    } finally {
      git('checkout', '-q', 'main');
    }
  });

  it('reports a configuration file that is not valid, naming the side', () => {
    git('checkout', '-q', '-b', 'bad-config', 'narrow');
    try {
      write('succession.config.yaml', 'kind: config\nrules:\n  no-such-rule: off\n');
      git('add', '-A');
      git('commit', '-q', '-m', 'bad config');
      const r = run(['diff', 'main', 'bad-config'], { cwd: repo });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^succession: bad-config \([0-9a-f]{12}\): invalid configuration file succession\.config\.yaml:$/m);
      expect(r.stderr).toContain('Unknown rule "no-such-rule"');
    } finally {
      git('checkout', '-q', 'main');
    }
  });
});
