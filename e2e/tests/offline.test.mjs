// The service worker keeps the shell usable offline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  VIEWPORTS,
  accountField,
  launch,
  newPage,
  screenshot,
  signIn,
  waitForApp,
  waitForServiceWorker,
} from '../lib/browser.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Reloads with the network cut; the document must come from the service worker. */
async function reloadOffline(page, context) {
  await context.setOffline(true);
  const resp = await page.reload();
  assert.ok(resp, 'no response for the offline reload');
  assert.equal(resp.fromServiceWorker(), true, 'the offline document did not come from the service worker');
  assert.equal(resp.status(), 200);
  await waitForApp(page);
  const banner = page.locator('#offline-banner[role=status]');
  await banner.waitFor();
  assert.match(await banner.innerText(), /^离线/);
}

test('signed in: the shell and the cached account render offline', async () => {
  const { context, page } = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    await signIn(page, 'hz-xh-1-registrar');
    await waitForServiceWorker(page);
    await reloadOffline(page, context);
    assert.equal(new URL(page.url()).pathname, '/');
    await page.locator('#account-card').waitFor();
    assert.equal(await accountField(page, 'org_name'), '杭州市西湖区求是小学');
    assert.equal(await accountField(page, 'role'), '学籍管理员');
    // GET /me failed for network reasons: the page says the account is the cached one.
    await page.locator('.sync-status', { hasText: '缓存' }).waitFor();
    await page.locator('.top-bar').waitFor();
    await screenshot(page, 'phone-390x844-home-offline');
  } finally {
    await context.close();
  }
});

test('signed out: the login page renders offline', async () => {
  const { context, page } = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    await page.goto('/login');
    await waitForApp(page);
    await waitForServiceWorker(page);
    await reloadOffline(page, context);
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.locator('#login-form').waitFor();
    await screenshot(page, 'phone-390x844-login-offline');
  } finally {
    await context.close();
  }
});

test('back online the banner goes away', async () => {
  const { context, page } = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    await page.goto('/login');
    await waitForApp(page);
    await waitForServiceWorker(page);
    await reloadOffline(page, context);
    await context.setOffline(false);
    await page.locator('#offline-banner').waitFor({ state: 'detached' });
  } finally {
    await context.close();
  }
});

test('server gone (browser online): the cached shell loads and says 离线', async () => {
  const own = await startServer();
  const { context, page } = await newPage(browser, own.url, VIEWPORTS.phone);
  try {
    await signIn(page, 'hz-xh-1-registrar');
    await waitForServiceWorker(page);
    await own.stop();
    const resp = await page.reload();
    assert.equal(resp.fromServiceWorker(), true);
    await waitForApp(page);
    const banner = page.locator('#offline-banner[role=status]');
    await banner.waitFor();
    assert.match(await banner.innerText(), /^离线/);
    assert.equal(await accountField(page, 'org_code'), '3330106001');
  } finally {
    await context.close();
    await own.stop();
  }
});
