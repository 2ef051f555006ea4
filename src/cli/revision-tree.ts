import { spawn, spawnSync } from 'node:child_process';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import type { PolicyInput } from '../lint.js';
import { documentKind, isPolicyDocument } from '../policy/schema.js';
import { parseSource } from '../policy/source.js';
import { decodeUtf8, InputError, MAX_INPUT_BYTES } from '../util/input-file.js';
import { UsageError } from './errors.js';
import type { Ignored } from './expand.js';
import { readText } from './io.js';

/**
 * A revision's files as git lists them (`git ls-tree`), read with one `git cat-file --batch`
 * instead of a checkout: a 10,000-file repository is listed and read in a fraction of a second,
 * where `git worktree add` writes every file first. Paths are relative to the repository top.
 */
export interface RevisionTree {
  top: string;
  /** Regular files (mode 100644 / 100755) by path; links and submodules are in `other`. */
  files: Map<string, string>;
  other: Set<string>;
  dirs: Set<string>;
}

const YAML_FILE = /\.ya?ml$/i;
const HIDDEN = /(^|\/)(\.|node_modules(\/|$))/;
const FLEET_NAMES = ['fleet.yaml', 'fleet.yml'];

function git(args: readonly string[], cwd: string, input?: string): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (r.error) throw new UsageError(`cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new UsageError(`git ${args[0]} failed: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** git as a child process whose output is collected while other work (another git) goes on. */
function gitAsync(args: readonly string[], cwd: string, input: string): Promise<Buffer> {
  return new Promise((done, fail) => {
    const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => fail(new UsageError(`cannot run git: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? done(Buffer.concat(out)) : fail(new UsageError(`git ${args[0]} failed: ${Buffer.concat(err).toString().trim()}`))));
    child.stdin.end(input);
  });
}

export function listTree(top: string, commit: string): RevisionTree {
  const tree: RevisionTree = { top, files: new Map(), other: new Set(), dirs: new Set(['']) };
  for (const line of git(['ls-tree', '-r', '-z', '--full-tree', commit], top).toString('utf8').split('\0')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const [mode, , oid] = line.slice(0, tab).split(' ') as [string, string, string];
    const path = line.slice(tab + 1);
    if (mode === '100644' || mode === '100755') tree.files.set(path, oid);
    else tree.other.add(path);
    for (let d = path.lastIndexOf('/'); d > 0; d = path.lastIndexOf('/', d - 1)) {
      const dir = path.slice(0, d);
      if (tree.dirs.has(dir)) break;
      tree.dirs.add(dir);
    }
  }
  return tree;
}

// why: two revisions share most blobs; each is read once per process.
const blobCache = new Map<string, Buffer>();

/** The contents of blobs, by object id, from one `git cat-file --batch` for those not read before. */
export async function readBlobs(top: string, oids: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(oids)].filter((oid) => !blobCache.has(oid));
  const out = blobCache;
  if (unique.length === 0) return out;
  const data = await gitAsync(['cat-file', '--batch'], top, `${unique.join('\n')}\n`);
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf(0x0a, at);
    const [oid, type, size] = data.toString('utf8', at, eol).split(' ') as [string, string, string | undefined];
    if (type !== 'blob' || size === undefined) throw new UsageError(`git cat-file cannot read ${oid}: ${type}`);
    const start = eol + 1;
    out.set(oid, data.subarray(start, start + Number(size)));
    at = start + Number(size) + 1;
  }
  return out;
}

let autocrlf: boolean | undefined;

/** Paths git gives no attribute that changes a checkout; attributes come from the working tree's files, the same for every revision. */
const plainPaths = new Set<string>();

/** Whether any git attribute could make a checkout differ from the blob (filters, line endings, encodings). */
export async function attributesApply(top: string, paths: readonly string[]): Promise<boolean> {
  autocrlf ??= spawnSync('git', ['config', '--type=bool', '--get', 'core.autocrlf'], { cwd: top, encoding: 'utf8' }).stdout.trim() === 'true';
  if (autocrlf) return true;
  const asked = [...new Set(paths)].filter((p) => !plainPaths.has(p));
  if (asked.length === 0) return false;
  const out = (await gitAsync(['check-attr', '-z', '--stdin', 'filter', 'text', 'eol', 'ident', 'working-tree-encoding'], top, `${asked.join('\0')}\0`)).toString('utf8').split('\0');
  for (let i = 2; i < out.length; i += 3) if (out[i] !== 'unspecified') return true;
  for (const p of asked) plainPaths.add(p);
  return false;
}

const ATTRIBUTES = '.gitattributes';
const textCache = new Map<string, string>();
const policyCache = new Map<string, boolean>();

/** isPolicyDocument, once per blob: the answer depends on the text alone. */
function isPolicy(path: string, oid: string, text: string): boolean {
  let yes = policyCache.get(oid);
  if (yes === undefined) policyCache.set(oid, (yes = isPolicyDocument(path, text)));
  return yes;
}

interface Found {
  path: string;
  tree: string;
  walked: boolean;
}

/**
 * What readInputs and withFleet (src/cli/io.ts) read from the revision checked out at the
 * repository top, working directory `home`, without checking it out: the same paths, texts and
 * fleet file. Undefined when the tree holds what only a checkout reads faithfully (links,
 * submodules, `.gitattributes`, a glob, a path that is missing or escapes the repository, a file
 * that is not UTF-8 or too large, no policy file at a path): the caller then checks it out, and
 * readInputs reads it, errors and all.
 */
export async function treeInputs(tree: RevisionTree, home: string, paths: readonly string[], fleet: string | undefined, ignored: Ignored | undefined): Promise<PolicyInput[] | undefined> {
  const treePath = (p: string) => {
    const rel = relative(tree.top, resolve(home, p));
    return rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
  };
  for (const entries of [tree.files.keys(), tree.other]) for (const p of entries) if (p === ATTRIBUTES || p.endsWith(`/${ATTRIBUTES}`)) return undefined;
  const found: Found[][] = [];
  for (const p of paths) {
    const t = treePath(p);
    if (t === undefined) return undefined;
    if (tree.files.has(t)) {
      found.push([{ path: p, tree: t, walked: false }]);
      continue;
    }
    if (!tree.dirs.has(t)) return undefined;
    const prefix = t === '' ? '' : `${t}/`;
    // why: join(p, below) for a git path `below` (already normal), without normalizing 10,000 times.
    const under = join(p, 'x').slice(0, -1);
    const mine: Found[] = [];
    for (const entries of [tree.files.keys(), tree.other]) {
      for (const f of entries) {
        if (!f.startsWith(prefix)) continue;
        const below = f.slice(prefix.length);
        // why: the directory walk (src/cli/expand.ts) leaves out hidden entries and node_modules, and what `ignore` names, directories included.
        if (HIDDEN.test(below)) continue;
        if (ignored) {
          const parts = below.split('/');
          if (parts.some((_, k) => ignored(join(p, ...parts.slice(0, k + 1))))) continue;
        }
        if (tree.other.has(f)) return undefined;
        const path = under + below;
        if (YAML_FILE.test(path)) mine.push({ path, tree: f, walked: true });
      }
    }
    found.push(mine);
  }
  const fleetPath = fleet === undefined || isAbsolute(fleet) ? undefined : treePath(fleet);
  if (fleet !== undefined && !isAbsolute(fleet) && (fleetPath === undefined || !tree.files.has(fleetPath))) return undefined;
  const lookup = fleet === undefined ? fleetLookup(tree, treePath(paths[0] ?? '.')) : [];
  if (lookup === undefined) return undefined;
  const wanted = [...found.flat().map((f) => f.tree), ...lookup, ...(fleetPath ? [fleetPath] : [])];
  const [attributes, blobs] = await Promise.all([attributesApply(tree.top, wanted), readBlobs(tree.top, wanted.map((t) => tree.files.get(t)!))]);
  if (attributes) return undefined;
  const texts = new Map<string, string>();
  try {
    for (const t of new Set(wanted)) {
      const oid = tree.files.get(t)!;
      let text = textCache.get(oid);
      if (text === undefined) {
        const bytes = blobs.get(oid)!;
        if (bytes.length > MAX_INPUT_BYTES) return undefined;
        textCache.set(oid, (text = decodeUtf8(t, bytes)));
      }
      texts.set(t, text);
    }
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  // why: as readInputs: a walked file is a policy only by its kind; a file reached twice is read once, under its first path.
  const byTree = new Map<string, string>();
  for (const mine of found) {
    const policies = mine.filter((f) => !f.walked || isPolicy(f.path, tree.files.get(f.tree)!, texts.get(f.tree)!));
    if (policies.length === 0) return undefined;
    for (const f of policies) {
      const known = byTree.get(f.tree);
      if (known === undefined || f.path < known) byTree.set(f.tree, f.path);
    }
  }
  const inputs = [...byTree].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([t, path]) => ({ path, text: texts.get(t)! }));
  if (fleet !== undefined) {
    if (inputs.some((i) => i.path === fleet)) return inputs;
    return [...inputs, { path: fleet, text: fleetPath === undefined ? readText(fleet) : texts.get(fleetPath)! }];
  }
  if (inputs.some((i) => i.text.includes('fleet') && documentKind(parseSource(i.path, i.text).data) === 'fleet')) return inputs;
  const [nearest] = lookup;
  if (nearest === undefined) return inputs;
  if ([...byTree.keys()].includes(nearest)) return inputs;
  const abs = join(tree.top, nearest);
  const rel = relative(home, abs);
  return [...inputs, { path: rel.startsWith('..') || isAbsolute(rel) ? abs : rel, text: texts.get(nearest)! }];
}

/**
 * The fleet file withFleet would find: the nearest fleet.yaml / fleet.yml from the first path's
 * directory up to the repository top, as a list of zero or one; undefined when it is not a regular file.
 */
function fleetLookup(tree: RevisionTree, first: string | undefined): string[] | undefined {
  if (first === undefined) return undefined;
  let dir = tree.dirs.has(first) ? first : posix.dirname(first) === '.' ? '' : posix.dirname(first);
  for (;;) {
    for (const name of FLEET_NAMES) {
      const candidate = dir === '' ? name : `${dir}/${name}`;
      if (tree.files.has(candidate)) return [candidate];
      if (tree.other.has(candidate) || tree.dirs.has(candidate)) return undefined;
    }
    if (dir === '') return [];
    dir = posix.dirname(dir) === '.' ? '' : posix.dirname(dir);
  }
}

/** The directory of `home` inside the tree, relative to the top ('' for the top); undefined when the revision lacks it. */
export function homeIn(tree: RevisionTree, home: string): string | undefined {
  const rel = relative(tree.top, home).split(sep).join('/');
  return tree.dirs.has(rel) ? rel : undefined;
}
