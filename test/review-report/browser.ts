import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { describe, it } from 'vitest';

/**
 * The Chromium the browser tests drive: SUCCESSION_CHROMIUM, else Debian's `chromium` on PATH.
 * playwright-core never downloads a browser; without one the tests skip loudly, and fail when
 * SUCCESSION_REQUIRE_BROWSER=1 (CI).
 */
function findChromium(): string | undefined {
  const given = process.env.SUCCESSION_CHROMIUM;
  if (given) return given;
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/bin')) {
    for (const name of ['chromium', 'chromium-browser']) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // why: not in this directory; the next one may have it.
      }
    }
  }
  return undefined;
}

export const CHROMIUM = findChromium();

/** Headless, offline, no profile carried over: playwright gives each launch a fresh temporary user-data-dir. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM!, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** `describe` for tests that need Chromium: runs, skips with a warning, or fails under SUCCESSION_REQUIRE_BROWSER=1. */
export function browserDescribe(name: string, body: () => void): void {
  if (CHROMIUM !== undefined) {
    describe(name, body);
    return;
  }
  if (process.env.SUCCESSION_REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('needs chromium (SUCCESSION_REQUIRE_BROWSER=1)', () => {
        throw new Error('chromium not found on PATH (apt-get install chromium, or set SUCCESSION_CHROMIUM)');
      });
    });
    return;
  }
  console.warn(`SKIPPED browser tests "${name}": chromium not found (apt-get install chromium, or set SUCCESSION_REQUIRE_BROWSER=1 to make this fail)`);
  describe.skip(name, body);
}
