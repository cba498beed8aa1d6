// Issue 4, system configuration in the browser: the city administrator sets the city's class
// cap (through the API); a county administrator tries to set a cap above it on the caps page and
// sees the Chinese error next to the field, then sets a valid one and sees the effective cap.
// Also a phone screenshot of the caps page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VIEWPORTS, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { DEMO_PASSWORD, startServer } from '../lib/server.mjs';

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

async function api(method, path, token, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function signInApi(username) {
  const r = await api('POST', '/auth/login', null, { username, password: DEMO_PASSWORD });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

test('a county administrator cannot set a class cap above the city’s', async () => {
  // The city (杭州市) sets 45 for primary schools, not locked.
  const city = await signInApi('hz-admin');
  const set = await api('PUT', `/orgs/${city.account.org.id}/caps`, city.access_token, {
    stage: 'primary',
    cap: 45,
    locked: false,
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));

  const { context, page, problems } = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    await signIn(page, 'hz-xh-admin');
    await page.goto('/settings/caps');
    const card = '.cap-card[data-stage=primary]';
    await page.locator(`${card} input[name=cap]`).waitFor();
    // The city's setting is shown read-only, with the effective cap and where it comes from.
    assert.match(await page.locator(`${card} .cap-chain-row[data-level=city]`).innerText(), /45人/);
    assert.match(await page.locator(`${card} [data-effective]`).innerText(), /45人.*地市级/);

    // Above the city's cap: the shared rule answers while typing…
    await page.fill(`${card} input[name=cap]`, '50');
    const err = page.locator(`${card} .field-error[data-field=cap]`);
    await err.waitFor();
    const text = await err.innerText();
    assert.match(text, /不能高于上级（地市级）设置的45人/);
    assert.match(text, /小学/);
    // …and saving is refused (nothing sent; the message stays).
    await page.click(`${card} button[type=submit]`);
    assert.match(await err.innerText(), /45人/);
    await screenshot(page, 'phone-390x844-caps-error');

    // The server says the same when asked directly.
    const county = await signInApi('hz-xh-admin');
    const refused = await api('PUT', `/orgs/${county.account.org.id}/caps`, county.access_token, {
      stage: 'primary',
      cap: 50,
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.fields[0].field, 'cap');
    assert.match(refused.body.error.message, /45人/);

    // A valid cap: saved, and the effective cap now comes from the county.
    await page.fill(`${card} input[name=cap]`, '40');
    assert.equal(await page.locator(`${card} .field-error`).count(), 0);
    await page.click(`${card} button[type=submit]`);
    await page.locator('[role=status]').waitFor();
    await page.waitForFunction(
      (sel) => /40人.*区县级/.test(document.querySelector(sel)?.innerText ?? ''),
      `${card} [data-effective]`,
    );
    await screenshot(page, 'phone-390x844-caps');
    const { scroll, inner } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
