// Issue 4, 年级班级 and 工作日历 in the browser.
// - The county administrator caps primary classes at 40 (through the API), opens 年级班级, picks
//   杭州市西湖区求是小学, tries to add a class of 41 and sees the Chinese error next to the
//   capacity (the server refuses the same with a 422 on `capacity`), then adds it with 40 and
//   sees it listed.
// - The province administrator sees the ministry's national days read-only on 工作日历, is told
//   next to the field that a national date can't be added again, and saves a province addition.
// Phone screenshots of both pages (and desktop ones) go to e2e/artifacts/.
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

async function noHorizontalScroll(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
}

const SCHOOL_CODE = '3330106001'; // 杭州市西湖区求是小学

test('a county administrator adds a class within the class-size cap', async () => {
  const county = await signInApi('hz-xh-admin');
  const token = county.access_token;
  const capSet = await api('PUT', `/orgs/${county.account.org.id}/caps`, token, {
    stage: 'primary',
    cap: 40,
    locked: false,
  });
  assert.equal(capSet.status, 200, JSON.stringify(capSet.body));
  const found = await api('GET', `/orgs?q=${SCHOOL_CODE}`, token);
  assert.equal(found.status, 200, JSON.stringify(found.body));
  const school = found.body.find((o) => o.code === SCHOOL_CODE);
  assert.ok(school, 'the school is in the county');

  const { context, page, problems } = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    await signIn(page, 'hz-xh-admin');
    await page.goto('/settings');
    await page.click('[data-tile=classes]');
    await page.waitForURL((u) => u.pathname === '/settings/classes');
    assert.match(await page.locator('h1').innerText(), /年级/);

    // Search the school and pick it.
    await page.fill('#class-school-q', '求是');
    await page.click('#class-school-search-submit');
    await page.click(`#class-school-results [data-org-code="${SCHOOL_CODE}"] button`);
    const primary = '.cls-stage[data-stage=primary]';
    await page.locator(`${primary} [data-class-id]`).first().waitFor();
    // Demo data: 一班 and 二班 in each of the six grades.
    assert.equal(await page.locator(`${primary} [data-class-id]`).count(), 12);
    assert.match(await page.locator(`${primary} .cls-grade[data-grade="1"]`).innerText(), /一班[\s\S]*二班/);
    // The effective cap of the stage and where it comes from.
    await page.waitForFunction(
      (sel) => /40人.*区县级/.test(document.querySelector(sel)?.innerText ?? ''),
      `[data-cap-stage=primary]`,
    );

    // Above the cap: the shared rule answers while typing, next to the capacity…
    await page.click('#class-add');
    const form = '#class-form';
    await page.locator(form).waitFor();
    await page.selectOption(`${form} select[name=grade]`, '1');
    await page.fill(`${form} input[name=name]`, '三班');
    await page.fill(`${form} input[name=head_teacher]`, '王老师');
    await page.fill(`${form} input[name=capacity]`, '41');
    const err = page.locator(`${form} .field-error[data-field=capacity]`);
    await err.waitFor();
    assert.match(await err.innerText(), /41人.*不能高于区县级设置的班额40人/);
    // …saving is refused (nothing sent; the message stays).
    await page.click(`${form} button[type=submit]`);
    assert.match(await err.innerText(), /班额40人/);
    assert.equal(await page.locator(`${form} .field-error`).count(), 1);
    await screenshot(page, 'phone-390x844-classes-error');

    // The server gives the same verdict: 422 on `capacity`.
    const refused = await api('POST', `/orgs/${school.id}/classes`, token, {
      stage: 'primary',
      grade: 1,
      name: '三班',
      head_teacher: '王老师',
      capacity: 41,
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.fields[0].field, 'capacity');
    assert.match(refused.body.error.fields[0].message, /班额40人/);

    // Within the cap: saved and listed.
    await page.fill(`${form} input[name=capacity]`, '40');
    assert.equal(await page.locator(`${form} .field-error`).count(), 0);
    await page.click(`${form} button[type=submit]`);
    await page.locator(form).waitFor({ state: 'detached' });
    await page.locator('[role=status]').waitFor();
    const listed = await api('GET', `/orgs/${school.id}/classes`, token);
    const added = listed.body.find((c) => c.stage === 'primary' && c.grade === 1 && c.name === '三班');
    assert.ok(added, JSON.stringify(listed.body));
    assert.equal(added.capacity, 40);
    const row = page.locator(`${primary} .cls-grade[data-grade="1"] [data-class-id="${added.id}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /三班/);
    assert.match(text, /王老师/);
    assert.match(text, /40人/);
    assert.equal(await page.locator(`${primary} [data-class-id]`).count(), 13);
    await noHorizontalScroll(page);
    await screenshot(page, 'phone-390x844-classes');

    // Edit it: the form starts from the class; a capacity over the cap is refused the same way.
    await row.locator('.cls-edit').click();
    await page.locator(form).waitFor();
    assert.equal(await page.inputValue(`${form} input[name=name]`), '三班');
    await page.fill(`${form} input[name=capacity]`, '45');
    await err.waitFor();
    await page.fill(`${form} input[name=capacity]`, '38');
    await page.click(`${form} button[type=submit]`);
    await page.locator(form).waitFor({ state: 'detached' });
    await page.waitForFunction(
      (sel) => /38人/.test(document.querySelector(sel)?.innerText ?? ''),
      `[data-class-id="${added.id}"]`,
    );
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }

  // Desktop layout of the same page.
  const desk = await newPage(browser, server.url, VIEWPORTS.desktop);
  try {
    await signIn(desk.page, 'hz-xh-admin');
    await desk.page.goto('/settings/classes');
    await desk.page.fill('#class-school-q', SCHOOL_CODE);
    await desk.page.click('#class-school-search-submit');
    await desk.page.click(`#class-school-results [data-org-code="${SCHOOL_CODE}"] button`);
    await desk.page.locator('.cls-stage[data-stage=primary] [data-class-id]').first().waitFor();
    await noHorizontalScroll(desk.page);
    await screenshot(desk.page, 'desktop-1440x900-classes');
    assert.deepEqual(desk.problems, []);
  } finally {
    await desk.context.close();
  }
});

/** `YYYY-MM-DD` of a local date. */
function ymd(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

test('a province administrator adds to the national working-day calendar', async () => {
  const year = new Date().getFullYear();
  // The first Saturday of September: a make-up working day.
  const sat = new Date(year, 8, 1);
  while (sat.getDay() !== 6) sat.setDate(sat.getDate() + 1);
  const moe = await signInApi('moe-admin');
  const national = await api('PUT', '/config/calendar', moe.access_token, {
    year,
    days: [
      { date: `${year}-10-01`, kind: 'holiday', note: '国庆节' },
      { date: `${year}-10-02`, kind: 'holiday', note: '国庆节' },
      { date: ymd(sat), kind: 'makeup_workday', note: '国庆节调休' },
    ],
  });
  assert.equal(national.status, 200, JSON.stringify(national.body));

  const { context, page, problems } = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    await signIn(page, 'zj-admin');
    await page.goto('/settings');
    await page.click('[data-tile=calendar]');
    await page.waitForURL((u) => u.pathname === '/settings/calendar');
    // National days: listed, with their source, not in the province's form.
    const oct1 = page.locator(`[data-day="${year}-10-01"]`);
    await oct1.waitFor();
    assert.equal(await oct1.getAttribute('data-source'), 'national');
    assert.match(await oct1.innerText(), /国庆节[\s\S]*全国/);
    assert.equal(await page.locator(`[data-day="${ymd(sat)}"]`).getAttribute('data-kind'), 'makeup_workday');
    const form = '#calendar-form';
    assert.equal(await page.locator(form).getAttribute('data-source'), 'province');
    assert.equal(await page.locator(`${form} .cal-edit-row`).count(), 0);

    // A national date again: refused next to the date while typing.
    await page.click('#calendar-add');
    await page.fill(`${form} .cal-edit-row input[name=date]`, `${year}-10-01`);
    const err = page.locator(`${form} .field-error[data-field="days[0].date"]`);
    await err.waitFor();
    assert.match(await err.innerText(), /已由全国日历设置/);
    // A make-up working day on a weekday: refused next to the kind.
    await page.fill(`${form} .cal-edit-row input[name=date]`, `${year}-10-14`);
    await page.selectOption(`${form} .cal-edit-row select[name=kind]`, 'makeup_workday');
    const wd = new Date(year, 9, 14).getDay();
    if (wd !== 0 && wd !== 6) {
      await page.locator(`${form} .field-error[data-field="days[0].kind"]`).waitFor();
    }
    await page.selectOption(`${form} .cal-edit-row select[name=kind]`, 'holiday');
    await page.fill(`${form} .cal-edit-row input[name=note]`, '省运会');
    assert.equal(await page.locator(`${form} .field-error`).count(), 0);
    await page.click(`${form} button[type=submit]`);
    await page.locator('[role=status]').waitFor();
    const added = page.locator(`[data-day="${year}-10-14"]`);
    await added.waitFor();
    assert.equal(await added.getAttribute('data-source'), 'province');
    assert.match(await added.innerText(), /省运会[\s\S]*本省增补/);
    await noHorizontalScroll(page);
    await screenshot(page, 'phone-390x844-calendar');

    // The server refuses a national date from the province as well.
    const zj = await signInApi('zj-admin');
    const refused = await api('PUT', '/config/calendar', zj.access_token, {
      year,
      days: [{ date: `${year}-10-02`, kind: 'holiday', note: '' }],
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.body.error.fields[0].field, 'days[0].date');

    await page.setViewportSize(VIEWPORTS.desktop);
    await noHorizontalScroll(page);
    await screenshot(page, 'desktop-1440x900-calendar');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
