// Sign-in, a wrong password, sign-out.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { accountField, launch, newPage, signIn, waitForApp } from '../lib/browser.mjs';
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

test('a school registrar signs in and sees the account card', async () => {
  const { context, page, problems } = await newPage(browser, server.url);
  try {
    await signIn(page, 'hz-xh-1-registrar');
    assert.equal(await accountField(page, 'username'), 'hz-xh-1-registrar');
    assert.equal(await accountField(page, 'org_name'), '杭州市西湖区求是小学');
    assert.equal(await accountField(page, 'org_code'), '3330106001');
    assert.equal(await accountField(page, 'role'), '学籍管理员');
    await page.locator('#main-nav a.nav-link[data-module=registration]').waitFor({ state: 'attached' });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a wrong password shows the Chinese error', async () => {
  const { context, page } = await newPage(browser, server.url);
  try {
    await page.goto('/login');
    await waitForApp(page);
    await page.fill('input[name=username]', 'hz-xh-1-leader');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('#login-submit');
    const alert = page.locator('#login-error[role=alert]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /用户名或密码错误/);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.locator('#login-submit').isEnabled(), true);
    assert.equal(await page.evaluate(() => localStorage.getItem('xueji.access_token')), null);
  } finally {
    await context.close();
  }
});

test('sign-out returns to /login and / redirects there again', async () => {
  const { context, page, problems } = await newPage(browser, server.url);
  try {
    await signIn(page, 'hz-xh-registrar');
    assert.equal(await accountField(page, 'org_name'), '杭州市西湖区教育局');
    await page.click('#logout');
    await page.waitForURL((u) => u.pathname === '/login');
    await page.locator('#login-form').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('xueji.access_token')), null);
    await page.goto('/');
    await waitForApp(page);
    await page.waitForURL((u) => u.pathname === '/login');
    await page.locator('#login-form').waitFor();
    assert.equal(await page.locator('#account-card').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
