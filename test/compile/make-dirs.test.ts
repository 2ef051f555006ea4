import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { makeDirs } from '../../src/compile/temp-files.js';
import { tempDirs } from './helpers.js';

// Every thread of a build writes ahead into the same output tree (TempWriter), each making the
// directories it needs: one thread's mkdir can find the directory that another made a moment ago.

/** The directory "another thread" makes just before this one does, once its parent exists. */
const race: { dir?: string; made: number } = { made: 0 };

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const mkdirSync = ((path: string, options?: unknown) => {
    if (path === race.dir && fs.existsSync(dirname(path)) && !fs.existsSync(path)) {
      fs.mkdirSync(path);
      race.made++;
    }
    return fs.mkdirSync(path, options as Parameters<typeof fs.mkdirSync>[1]);
  }) as typeof fs.mkdirSync;
  return { ...fs, default: { ...fs, mkdirSync }, mkdirSync };
});

const tmp = tempDirs('succession-make-dirs-');

describe('makeDirs', () => {
  it('takes a directory that another thread made after this one made its parents, and does not count it as its own', () => {
    const root = tmp();
    const dir = join(root, 'out', 'orchestrator', 'orc16', 'meta');
    race.dir = dir;
    const made = new Set<string>();
    const created: string[] = [];
    makeDirs(dir, made, created);
    expect(race.made).toBe(1);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(created).toEqual([join(root, 'out'), join(root, 'out', 'orchestrator'), join(root, 'out', 'orchestrator', 'orc16')]);
    expect([...made].sort()).toEqual([...created, dir].sort());
  });
});
