// npm pack leaves symbolic links out of the package, and `dist` is one (scripts/build.mjs). Before
// packing, the build it points at is copied to a real dist/ directory; the next build moves that
// copy aside and links dist again.
import { cpSync, lstatSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('../', import.meta.url)));
if (lstatSync('dist').isSymbolicLink()) {
  const copy = `dist.pack-${process.pid}`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(readlinkSync('dist'), copy, { recursive: true });
  // why: rename cannot put a directory over a link; for this instant dist/ is absent, as packing is no time to run the CLI.
  renameSync('dist', `${copy}.link`);
  renameSync(copy, 'dist');
  rmSync(`${copy}.link`);
}
