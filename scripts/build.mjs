// Builds the program into a fresh directory under dist.builds/ and then points the `dist` symlink
// at it with one rename. A CLI run while `npm test` rebuilds therefore runs the old build or the
// new one, never a half-written one: Node resolves the entry point's real path, so every chunk a
// running process loads later still comes from the build it started in. The previous build is
// kept for such runs; older ones are removed.
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUILDS = 'dist.builds';
const LINK = 'dist';
process.chdir(ROOT);

const id = `${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
const target = join(BUILDS, id);
mkdirSync(BUILDS, { recursive: true });

try {
  // why: typescript 7 exports no subpaths; its package.json names the compiler's entry.
  const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
  const tsc = join(dirname(pkg), JSON.parse(readFileSync(pkg, 'utf8')).bin.tsc);
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', target], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tsc failed (exit ${r.status ?? r.signal})`);
  await bundle(target);
} catch (e) {
  rmSync(target, { recursive: true, force: true });
  console.error(`build: ${e.message}; ${LINK}/ is unchanged`);
  process.exit(1);
}

let previous = currentTarget();
const tmpLink = `${LINK}.next-${process.pid}`;
rmSync(tmpLink, { force: true });
symlinkSync(target, tmpLink);
try {
  renameSync(tmpLink, LINK);
} catch (e) {
  // why: a checkout built before builds were swapped, or packed (scripts/pack-dist.mjs), has a
  // real dist/ directory, which a rename cannot replace; it is moved aside (dist/ is absent for
  // that instant) and kept as the previous build.
  if (e.code !== 'EISDIR' && e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
  previous = join(BUILDS, `legacy-${id}`);
  renameSync(LINK, previous);
  renameSync(tmpLink, LINK);
}

for (const name of readdirSync(BUILDS)) {
  const path = join(BUILDS, name);
  if (path !== target && path !== previous) rmSync(path, { recursive: true, force: true });
}

/** The build `dist` points at now, if it is a link. */
function currentTarget() {
  try {
    return lstatSync(LINK).isSymbolicLink() ? readlinkSync(LINK) : undefined;
  } catch {
    return undefined;
  }
}
