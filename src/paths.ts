import { existsSync, readFileSync } from 'node:fs';

/**
 * The installed package's root (where package.json, schemas/ and docs/ are). Found by walking up
 * from this module, because the same code runs from dist/ (as compiled) and from dist/bin/ (as
 * bundled into a few files), at different depths.
 */
function findRoot(): URL {
  let dir = new URL('./', import.meta.url);
  for (;;) {
    const pkg = new URL('package.json', dir);
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'succession') return dir;
    const parent = new URL('../', dir);
    if (parent.href === dir.href) throw new Error('succession: cannot find the package root (package.json) above the program');
    dir = parent;
  }
}

export const PACKAGE_ROOT: URL = findRoot();
