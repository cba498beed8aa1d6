// Issue 5, 学生查询 / 学籍卡 / 问题学籍 in the browser.
// Set-up through the API: the registrar of 西湖区求是小学 registers a student (class 一班), the
// school leader and the county approve, so the student holds a G number; a student of another
// county (上城区实验小学) is registered the same way; and the first student's ID is registered
// again at 上城区实验小学, which makes a duplicate-with-ID problem record.
// - Phone: the school registrar searches by name (filters folded away), opens the card and sees
//   the G number and the number history L → G.
// - Desktop: the county registrar filters by school, grade and class and finds the student; the
//   student of the other county is not found by its ID number.
// - The problem record shows in 问题学籍 for both schools, each linking to its own side's card.
// Screenshots at phone (390×844), tablet (820×1180) and desktop (1440×900) go to e2e/artifacts/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { VIEWPORTS, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { DEMO_PASSWORD, startServer } from '../lib/server.mjs';

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

function synthRecords(seed, count, county) {
  const out = execFileSync(
    BIN,
    ['synth', '--count', String(count), '--seed', String(seed), '--county', String(county), '--today', today(), '--format', 'jsonl'],
    { encoding: 'utf8' },
  );
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

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

const tokens = new Map();
async function token(username) {
  if (!tokens.has(username)) {
    const r = await api('POST', '/auth/login', null, { username, password: DEMO_PASSWORD });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    tokens.set(username, r.body.access_token);
  }
  return tokens.get(username);
}

/** Submit at `school` (slug), approve by its leader and its county's registrar; the request. */
async function register(school, county, record) {
  const sub = await api('POST', '/registrations', await token(`${school}-registrar`), { kind: 'in_school', record });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const id = sub.body.id;
  for (const who of [`${school}-leader`, `${county}-registrar`]) {
    const r = await api('POST', `/registrations/${id}/actions`, await token(who), { action: 'approve' });
    assert.equal(r.status, 200, `${who}: ${JSON.stringify(r.body)}`);
  }
  const done = await api('GET', `/registrations/${id}`, await token(`${school}-registrar`));
  assert.ok(done.body.student_id, `completed: ${JSON.stringify(done.body)}`);
  return done.body;
}

async function noHorizontalScroll(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
}

const GRADE_NAMES = ['', '一', '二', '三', '四', '五', '六'];

test('find a student, read the card, see the problem queue', async () => {
  const [ours, theirs] = [synthRecords(11, 1, 330106)[0], synthRecords(12, 1, 330102)[0]];
  ours.class_name = '一班';
  const ourReq = await register('hz-xh-1', 'hz-xh', ours);
  const theirReq = await register('hz-sc-1', 'hz-sc', theirs);
  assert.equal(ourReq.student_number, `G${ours.id_number}`);
  // The same child registered again in another county: a problem record, the L number kept.
  const dupReq = await register('hz-sc-1', 'hz-sc', { ...ours, class_name: '二班' });
  assert.match(dupReq.student_number, /^L/);
  const ourId = ourReq.student_id;
  const gradeLabel = `小学${GRADE_NAMES[Number(ours.grade[1])]}年级`;

  // ---- phone: the school registrar searches by name and opens the card ----
  const phone = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    const { page, problems } = phone;
    await signIn(page, 'hz-xh-1-registrar');
    await page.click('#menu-toggle');
    await page.click('#main-nav a.nav-link[data-module=students]');
    await page.waitForURL((u) => u.pathname === '/students');
    await page.locator('#student-results tr[data-student-id]').first().waitFor();
    // The filters fold away on a phone.
    assert.equal(await page.locator('#student-filters').isVisible(), false);
    await page.click('#student-filters-toggle');
    await page.locator('#student-filters select[name=grade]').waitFor({ state: 'visible' });
    await screenshot(page, 'students-phone-filters');
    await page.click('#student-filters-toggle');
    await page.locator('#student-filters').waitFor({ state: 'hidden' });

    await page.fill('#student-search input[name=q]', ours.name);
    await page.click('#student-search-submit');
    const row = page.locator(`#student-results tr[data-student-id="${ourId}"]`);
    await row.waitFor();
    const rows = await page.locator('#student-results tr[data-student-id]').count();
    assert.ok(rows >= 1);
    const text = await row.innerText();
    assert.ok(text.includes(`G${ours.id_number}`), text);
    assert.ok(text.includes(`${gradeLabel} 一班`), text);
    assert.ok(text.includes('问题学籍'), `the pair flags our student too: ${text}`);
    await noHorizontalScroll(page);
    await screenshot(page, 'students-phone-results');

    await row.locator('a.student-link').click();
    await page.waitForURL((u) => u.pathname === `/students/${ourId}`);
    const number = page.locator('#card-number');
    await number.waitFor();
    assert.equal((await number.innerText()).trim(), `G${ours.id_number}`);
    const kinds = await page.locator('#card-numbers tr[data-kind]').evaluateAll((rs) => rs.map((r) => r.dataset.kind));
    assert.deepEqual(kinds, ['L', 'G']);
    const history = await page.locator('#card-numbers tbody').innerText();
    assert.ok(history.includes(ourReq.student_number), history);
    assert.match(history, /当前使用/);
    // The record, with code values in Chinese.
    assert.equal(
      (await page.locator('[data-field=name] dd').first().innerText()).trim(),
      ours.name,
    );
    assert.equal((await page.locator('[data-field=gender] dd').first().innerText()).trim(), ours.gender === '1' ? '男' : '女');
    assert.match(await page.locator('#card-problems').innerText(), /有身份证件号的学籍重复/);
    await noHorizontalScroll(page);
    await screenshot(page, 'student-card-phone');

    // Back to the search: the same search is still there.
    await page.click('.card-page-actions a.back-link');
    await page.waitForURL((u) => u.pathname === '/students');
    assert.equal(await page.inputValue('#student-search input[name=q]'), ours.name);
    await page.locator(`#student-results tr[data-student-id="${ourId}"]`).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await phone.context.close();
  }

  // ---- tablet: the school leader reads the card and the problem queue ----
  const tablet = await newPage(browser, server.url, VIEWPORTS.tablet);
  try {
    const { page } = tablet;
    await signIn(page, 'hz-xh-1-leader');
    await page.goto('/students');
    await page.locator(`#student-results tr[data-student-id="${ourId}"]`).waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, 'students-tablet');
    await page.goto(`/students/${ourId}`);
    await page.locator('#card-number').waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, 'student-card-tablet');
    await page.goto('/problems');
    await page.locator('#problem-list [data-problem-id]').first().waitFor();
    await noHorizontalScroll(page);
    await screenshot(page, 'problems-tablet');
  } finally {
    await tablet.context.close();
  }

  // ---- desktop: the county registrar filters by school, grade and class ----
  const desktop = await newPage(browser, server.url, VIEWPORTS.desktop);
  try {
    const { page, problems } = desktop;
    await signIn(page, 'hz-xh-registrar');
    await page.goto('/students');
    await page.locator(`#student-results tr[data-student-id="${ourId}"]`).waitFor();
    const schools = page.locator('#student-filters select[name=school_id]');
    await schools.locator('option', { hasText: '杭州市西湖区求是小学' }).waitFor({ state: 'attached' });
    await schools.selectOption({ label: '杭州市西湖区求是小学' });
    await page.locator('#student-filters select[name=class_id]:not([disabled])').waitFor();
    await page.selectOption('#student-filters select[name=grade]', ours.grade);
    const classes = page.locator('#student-filters select[name=class_id]');
    await classes.locator('option', { hasText: `${gradeLabel}一班` }).waitFor({ state: 'attached' });
    await classes.selectOption({ label: `${gradeLabel}一班` });
    await page.locator('#students-total', { hasText: '共 1 名学生' }).waitFor();
    const row = page.locator(`#student-results tr[data-student-id="${ourId}"]`);
    await row.waitFor();
    const schoolNames = await page.locator('#student-results tr[data-student-id] td:nth-child(5)').allInnerTexts();
    assert.deepEqual(schoolNames, ['杭州市西湖区求是小学']);
    await noHorizontalScroll(page);
    await screenshot(page, 'students-desktop');

    // The student of another county is not found, not even by its ID number.
    await page.click('#student-reset');
    assert.equal(await page.inputValue('#student-filters select[name=school_id]'), '');
    assert.equal(await page.inputValue('#student-filters select[name=grade]'), '');
    await page.fill('#student-search input[name=q]', theirs.id_number);
    await page.click('#student-search-submit');
    await page.locator('#students-empty').waitFor();
    assert.equal(await page.locator('#student-results tr[data-student-id]').count(), 0);
    const found = await api('GET', `/students/${theirReq.student_id}`, await token('hz-xh-registrar'));
    assert.equal(found.status, 404);

    await page.goto(`/students/${ourId}`);
    await page.locator('#card-number').waitFor();
    await screenshot(page, 'student-card-desktop');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#main-nav').isVisible(), false, 'no navigation on paper');
    await screenshot(page, 'student-card-print');
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(problems, []);
  } finally {
    await desktop.context.close();
  }

  // ---- the problem queue: both schools, each linking to its own side's card ----
  for (const [who, ownId, viewport] of [
    ['hz-sc-1-registrar', dupReq.student_id, VIEWPORTS.phone],
    ['hz-xh-1-registrar', ourId, VIEWPORTS.desktop],
  ]) {
    const ctx = await newPage(browser, server.url, viewport);
    try {
      const { page } = ctx;
      await signIn(page, who);
      await page.goto('/problems');
      const line = page.locator('#problem-list [data-problem-id]');
      await line.first().waitFor();
      assert.equal(await line.count(), 1, who);
      const text = await line.innerText();
      assert.match(text, /有身份证件号的学籍重复/);
      assert.ok(text.includes(dupReq.student_number) && text.includes(ourReq.student_number), text);
      assert.ok(text.includes('杭州市上城区实验小学') && text.includes('杭州市西湖区求是小学'), text);
      const links = line.locator('a.problem-card-link');
      assert.equal(await links.count(), 1, `${who} opens only its own side`);
      await noHorizontalScroll(page);
      await screenshot(page, `problems-${viewport === VIEWPORTS.phone ? 'phone' : 'desktop'}`);
      await page.click('#problems-tab-resolved');
      await page.locator('#problems-empty').waitFor();
      await page.click('#problems-tab-open');
      await line.first().waitFor();
      await links.click();
      await page.waitForURL((u) => u.pathname === `/students/${ownId}`);
      await page.locator('#card-number').waitFor();
    } finally {
      await ctx.context.close();
    }
  }
});

test('administrators get no student search', async () => {
  const { context, page } = await newPage(browser, server.url, VIEWPORTS.desktop);
  try {
    await signIn(page, 'hz-xh-admin');
    await page.locator('#main-nav a.nav-link[data-module=registration]').waitFor();
    assert.equal(await page.locator('#main-nav a.nav-link[data-module=students]').count(), 0);
    await page.goto('/students');
    await page.locator('#students-admin-note').waitFor();
  } finally {
    await context.close();
  }
});
