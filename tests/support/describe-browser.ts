/**
 * `describeBrowser(name, fn)`: a suite that drives Debian's Chromium through playwright-core
 * (toolchain.md). Without the browser the suite is skipped with one printed line; under `CI=true`
 * a missing browser fails the run (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

/** Where the browser is: CONVEYOR_CHROMIUM, else Debian's path. */
export const CHROMIUM = process.env.CONVEYOR_CHROMIUM ?? '/usr/bin/chromium';

export function describeBrowser(name: string, fn: () => void): void {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`CI=true and no browser at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    console.log(`browser suites skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CONVEYOR_CHROMIUM)`);
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

/** A headless Chromium (playwright gives it a fresh temporary profile and removes it on close). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
