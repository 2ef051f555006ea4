import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.js';

/** Runs git; a missing git binary is a usage-level error, not a crash. */
function git(args: readonly string[], cwd: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new UsageError(`cannot run git: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is not installed (or not on PATH)' : r.error.message}`);
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** The top directory of the git working tree holding `cwd`. */
export function repositoryTop(cwd: string): string {
  const r = git(['rev-parse', '--show-toplevel'], cwd);
  if (!r.ok) throw new UsageError(`${cwd} is not inside a git repository: name a directory instead of a revision, or run succession inside the policy repository`);
  return r.out;
}

/** The commit a revision names, or a usage error that names the revision. */
export function resolveRevision(top: string, rev: string): string {
  // why: `--end-of-options` keeps a revision that starts with "-" from being read as a git option.
  const r = git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], top);
  if (!r.ok) throw new UsageError(`unknown revision "${rev}": no such branch, tag or commit in ${top}`);
  return r.out;
}

/** Where a branch usually forks from: the remote's default branch, else a local main or master. */
const DEFAULT_BRANCHES = ['origin/HEAD', 'main', 'master', 'origin/main', 'origin/master'];

/** The default base: the merge base of HEAD with the first of DEFAULT_BRANCHES that exists. */
export function defaultBase(top: string): { rev: string; label: string } {
  for (const branch of DEFAULT_BRANCHES) {
    if (!git(['rev-parse', '--verify', '--quiet', `${branch}^{commit}`], top).ok) continue;
    const r = git(['merge-base', 'HEAD', branch], top);
    if (!r.ok) throw new UsageError(`HEAD and ${branch} have no common ancestor: name the base revision`);
    return { rev: r.out, label: `merge-base(HEAD, ${branch})` };
  }
  throw new UsageError(`no default branch to compare with (${DEFAULT_BRANCHES.join(', ')}): name the base revision`);
}

/** A revision checked out in a temporary directory, until `remove`. */
export interface Checkout {
  dir: string;
  remove(): void;
}

/**
 * Checks a commit out into a temporary directory with `git worktree add --detach`: git itself
 * decides what the revision holds (links, filters, submodules' absence). The directory is a git
 * working tree, so the fleet-file lookup stops at its top as it does in the real repository.
 */
export function checkout(top: string, commit: string): Checkout {
  const dir = mkdtempSync(join(tmpdir(), 'succession-diff-'));
  const r = git(['worktree', 'add', '--detach', '--quiet', dir, commit], top);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    // why: `git worktree remove` first compares every file with the index (seconds for a large
    // repository); nothing was changed in the checkout, so deleting it and pruning is the same.
    rmSync(dir, { recursive: true, force: true });
    git(['worktree', 'prune'], top);
  };
  if (!r.ok) {
    remove();
    throw new UsageError(`cannot check out ${commit}: ${r.err}`);
  }
  return { dir, remove };
}
