// Headless Debian Chromium via playwright-core, plus page helpers shared by the tests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS_DIR, DEMO_PASSWORD } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  tablet: { width: 820, height: 1180 },
  desktop: { width: 1440, height: 900 },
};

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * A fresh context (own storage, own service worker) and page. `problems` collects uncaught page
 * errors and console errors, for tests that assert a clean console.
 */
export async function newPage(browser, baseURL, viewport = VIEWPORTS.desktop) {
  const context = await browser.newContext({ baseURL, viewport, locale: 'zh-CN' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Waits until the wasm app is mounted and the boot screen is gone. */
export async function waitForApp(page) {
  await page.locator('#app').waitFor({ state: 'attached' });
  await page.locator('#boot').waitFor({ state: 'detached' });
}

/** Signs in through the form and waits for the home page's account card. */
export async function signIn(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await waitForApp(page);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('#login-submit');
  await page.waitForURL((u) => u.pathname === '/');
  await page.locator('#account-card').waitFor();
}

/** The text of an account-card field (`display_name`, `org_name`, `role`, …). */
export function accountField(page, field) {
  return page.locator(`#account-card [data-field=${field}] dd`).innerText();
}

/**
 * Waits until a service worker is active and controls this page (reloading once if the page
 * loaded before the worker claimed it).
 */
export async function waitForServiceWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const controlled = await page.evaluate(
    () =>
      navigator.serviceWorker.controller !== null ||
      new Promise((res) => {
        navigator.serviceWorker.addEventListener('controllerchange', () => res(true), { once: true });
        setTimeout(() => res(navigator.serviceWorker.controller !== null), 5_000);
      }),
  );
  if (!controlled) {
    await page.reload();
    await waitForApp(page);
  }
  const ok = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
  if (!ok || !ok.endsWith('/sw.js')) throw new Error(`page is not controlled by /sw.js (controller: ${ok})`);
}

/** Saves a full-page screenshot into e2e/artifacts/ and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  // No hover effect from the last click; fonts loaded before the capture.
  const vp = page.viewportSize();
  await page.mouse.move(vp.width - 1, vp.height - 1);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
