// The app shell, the manifest, unknown paths and the security headers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, newPage, waitForApp } from '../lib/browser.mjs';
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

test('/ redirects to /login and the shell boots cleanly', async () => {
  const { context, page, problems } = await newPage(browser, server.url);
  try {
    const resp = await page.goto('/');
    assert.equal(resp.status(), 200);
    await waitForApp(page);
    await page.waitForURL((u) => u.pathname === '/login');
    await page.locator('#login-form').waitFor();
    assert.equal(await page.title(), '学籍管理系统');
    assert.equal(await page.locator('#login-submit').innerText(), '登录');
    assert.equal(await page.locator('link[rel=manifest]').getAttribute('href'), '/manifest.webmanifest');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the web app manifest is JSON with a Chinese name and 192/512 icons', async () => {
  const resp = await fetch(`${server.url}/manifest.webmanifest`);
  assert.equal(resp.status, 200);
  const manifest = await resp.json();
  assert.match(manifest.name, /学籍/);
  const sizes = manifest.icons.map((i) => i.sizes);
  assert.ok(sizes.includes('192x192'), `icons: ${sizes}`);
  assert.ok(sizes.includes('512x512'), `icons: ${sizes}`);
  for (const icon of manifest.icons) {
    const r = await fetch(new URL(icon.src, server.url));
    assert.equal(r.status, 200, icon.src);
    assert.match(r.headers.get('content-type'), /^image\//, icon.src);
  }
});

test('an unknown page path still gets the app', async () => {
  const { context, page, problems } = await newPage(browser, server.url);
  try {
    const resp = await page.goto('/no/such/page');
    assert.equal(resp.status(), 200);
    assert.match(resp.headers()['content-type'], /^text\/html/);
    await waitForApp(page);
    // Signed out: the in-app 404 page or the sign-in page, never a blank page.
    await page.locator('#not-found h1, #login-form').first().waitFor();
    if (await page.locator('#not-found').count()) {
      assert.equal(await page.locator('#not-found h1').innerText(), '页面不存在');
    }
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an unknown API path is a JSON 404 with a Chinese message', async () => {
  const resp = await fetch(`${server.url}/api/v1/nope`);
  assert.equal(resp.status, 404);
  assert.match(resp.headers.get('content-type'), /^application\/json/);
  const body = await resp.json();
  assert.equal(body.error.code, 'not_found');
  assert.match(body.error.message, /\p{Script=Han}/u);
});

test('security headers on /', async () => {
  const resp = await fetch(`${server.url}/`);
  assert.equal(resp.status, 200);
  const csp = resp.headers.get('content-security-policy');
  assert.ok(csp, 'content-security-policy missing');
  assert.match(csp, /default-src 'self'/);
  assert.equal(resp.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(resp.headers.get('referrer-policy'), 'referrer-policy missing');
});
