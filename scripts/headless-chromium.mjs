// Launches Debian's chromium headless for the editor tests, with the flags this offline machine needs
// (no background networking, no component updates: their connections are refused here).
import { chromium } from 'playwright-core';

/** A persistent headless chromium context on `profile` (Playwright takes the profile dir, not --user-data-dir). */
export function launchHeadlessChromium(profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
