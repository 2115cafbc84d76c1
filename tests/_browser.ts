/**
 * Debian's chromium for the browser tests, driven by playwright-core: whether
 * it is there, and one headless launch with the same flags for every test.
 *
 * @example
 * ```ts ignore
 * if (hasChromium) { const browser = await launchChromium(); await browser.close(); }
 * ```
 * @module
 */
import type { Browser } from "playwright-core";

/** Where `.ci/run` installs chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether chromium is installed (the browser tests are skipped without it). */
export const hasChromium: boolean = await Deno.stat(CHROMIUM).then(() => true, () => false);

/** A headless chromium with no GPU, network chatter or first-run pages. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // playwright gives each launch a fresh, empty profile directory.
    ],
  });
}
