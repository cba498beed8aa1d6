// Issue 5, 学籍注册 in the browser.
// - Phone: the school registrar fills a valid synthetic record (from `xueji synth`), types the ID
//   number with a wrong check character and sees the Chinese error next to it at once with no
//   request sent, fixes it and submits.
// - Tablet: the school leader finds the request in 待办 and approves it.
// - Desktop: the county registrar approves it; the detail page then shows the student number
//   G + ID number, which opens the student card (学籍卡) with the L → G history.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { VIEWPORTS, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { ARTIFACTS_DIR, startServer } from '../lib/server.mjs';

const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(E2E_DIR, process.env.XUEJI_BIN ?? '../target/debug/xueji');

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

function today() {
  // Business dates are China Standard Time.
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

function synthRecord() {
  const out = execFileSync(
    BIN,
    ['synth', '--count', '1', '--seed', '5', '--county', '330106', '--today', today(), '--format', 'jsonl'],
    { encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n')[0]);
}

const DATE_FIELDS = new Set(['birth_date', 'id_valid_from', 'id_valid_until']);

async function setField(page, name, value) {
  const el = page.locator(`#registration-form [name="${name}"]`);
  const tag = await el.evaluate((e) => `${e.tagName}:${e.type}`);
  if (tag.startsWith('SELECT')) {
    await el.selectOption(String(value));
  } else if (tag === 'INPUT:checkbox') {
    await el.setChecked(Boolean(value));
  } else if (value !== null && value !== undefined && value !== '') {
    await el.fill(String(value));
  }
}

test('a registration goes from a phone to a student number', async () => {
  const record = synthRecord();
  const idNumber = record.id_number;
  // A wrong check character: any other character than the right one.
  const last = idNumber.slice(-1);
  const wrongId = idNumber.slice(0, -1) + (last === '1' ? '2' : '1');

  // ---- phone: the school registrar ----
  const phone = await newPage(browser, server.url, VIEWPORTS.phone);
  let requestId;
  try {
    const { page } = phone;
    await signIn(page, 'hz-xh-1-registrar');
    await page.goto('/registration');
    await page.locator('#registration-form').waitFor();
    await page.locator('#registration-form select[name=grade] option[value="12"]').waitFor({ state: 'attached' });

    for (const [name, value] of Object.entries(record)) {
      if (name === 'family_members' || name === 'student_number' || name === 'id_number') continue;
      if (DATE_FIELDS.has(name) && !value) continue;
      await setField(page, name, value);
    }
    const member = record.family_members[0];
    for (const [name, value] of Object.entries(member)) {
      await setField(page, `family_members[0].${name}`, value);
    }

    const posts = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET' && r.url().includes('/api/v1/registrations')) posts.push(r.url());
    });
    await page.fill('#registration-form [name=id_number]', wrongId);
    const err = page.locator('.field-error[data-field=id_number]');
    await err.waitFor();
    const text = await err.innerText();
    assert.match(text, /[\u4e00-\u9fff]/, `a Chinese error: ${text}`);
    assert.match(text, /校验/, `the check character is named: ${text}`);
    // The phone screen as the registrar sees it: the ID field and its error.
    await page.locator('#registration-form [name=id_number]').evaluate((e) =>
      e.scrollIntoView({ block: 'center' }),
    );
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'registration-phone-id-error.png') });
    await page.waitForTimeout(300);
    assert.deepEqual(posts, [], 'no request was sent while the ID is wrong');

    await page.fill('#registration-form [name=id_number]', idNumber);
    await err.waitFor({ state: 'detached' });
    const remaining = await page.locator('#registration-form .field-error').allInnerTexts();
    assert.deepEqual(remaining, [], 'no other field error');
    await page.click('#registration-submit');
    const result = page.locator('#registration-result');
    await result.waitFor({ timeout: 20_000 }).catch(async (e) => {
      const alerts = await page.locator('[role=alert]').allInnerTexts();
      throw new Error(`no result: ${alerts.join(' | ')}\n${e.message}`);
    });
    assert.equal(posts.length, 1, 'exactly one submission');
    requestId = await result.getAttribute('data-request-id');
    assert.ok(requestId);
    await page.locator(`#registration-list [data-request-id="${requestId}"]`).waitFor();
    await screenshot(page, 'registration-phone-submitted');
    const draft = await page.evaluate(() => localStorage.getItem('xueji.registration.draft'));
    assert.equal(draft, null, 'the draft is gone once submitted');
  } finally {
    await phone.context.close();
  }

  // ---- tablet: the school leader ----
  const tablet = await newPage(browser, server.url, VIEWPORTS.tablet);
  try {
    const { page } = tablet;
    await signIn(page, 'hz-xh-1-leader');
    await page.goto('/registration');
    const row = page.locator(`#registration-todo [data-request-id="${requestId}"]`);
    await row.waitFor();
    await screenshot(page, 'registration-tablet-queue');
    await row.locator('a').click();
    await page.waitForURL((u) => u.pathname === `/registration/${requestId}`);
    await page.click('[data-action=approve]');
    await page.locator('[data-action=approve]').waitFor({ state: 'detached' });
  } finally {
    await tablet.context.close();
  }

  // ---- desktop: the county registrar ----
  const desktop = await newPage(browser, server.url, VIEWPORTS.desktop);
  try {
    const { page } = desktop;
    await signIn(page, 'hz-xh-registrar');
    await page.goto('/registration');
    const row = page.locator(`#registration-todo [data-request-id="${requestId}"]`);
    await row.waitFor();
    await row.locator('a').click();
    await page.waitForURL((u) => u.pathname === `/registration/${requestId}`);
    // Returning needs a reason: nothing is sent without one.
    await page.click('[data-action=return]');
    await page.locator('.field-error[data-field=reason]').waitFor();
    await page.click('[data-action=approve]');
    const number = page.locator('#student-number');
    await number.waitFor();
    assert.equal((await number.innerText()).trim(), `G${idNumber}`);
    await screenshot(page, 'registration-desktop-detail');
    // …and a student card: the number opens it, with the record and the number's history.
    await number.locator('a').click();
    await page.waitForURL((u) => /^\/students\/\d+$/.test(u.pathname));
    const card = page.locator('#card-number');
    await card.waitFor();
    assert.equal((await card.innerText()).trim(), `G${idNumber}`);
    assert.equal((await page.locator('[data-field=name] dd').first().innerText()).trim(), record.name);
    const kinds = await page.locator('#card-numbers tr[data-kind]').evaluateAll((rs) => rs.map((r) => r.dataset.kind));
    assert.deepEqual(kinds, ['L', 'G']);
    await screenshot(page, 'registration-desktop-card');
  } finally {
    await desktop.context.close();
  }
});
