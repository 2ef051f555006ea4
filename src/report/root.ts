import { isAbsolute, relative, resolve } from 'node:path';

/** The repository a report is for: its root, and the directory relative finding paths start from. */
export interface RepositoryRoot {
  dir: string;
  cwd: string;
}

/** `file` relative to the repository root, or undefined when it lies outside the repository. */
export function inRepository(file: string, root: RepositoryRoot): string | undefined {
  const inRoot = relative(root.dir, resolve(root.cwd, file));
  return inRoot === '' || inRoot.startsWith('..') || isAbsolute(inRoot) ? undefined : inRoot;
}
