// Issue 9, the request engine in the browser:
// - Desktop: the 西湖区 county registrar sees on the home page how many items wait, opens the
//   inbox, finds items of two businesses (a registration at its step, a problem record whose
//   school submitted evidence) each with its deadline, opens the registration and approves it.
// - Tablet: the 杭州市 city registrar sees an overdue county step in the overdue list (counted
//   under 西湖区), opens it and forces it through with a reason; the history shows 强制干预.
// - Phone: the inbox of a school leader, for the screenshot.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { VIEWPORTS, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { DEMO_PASSWORD, startServer } from '../lib/server.mjs';
import { PDF } from '../lib/fixtures.mjs';

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
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

function synthRecord(seed) {
  const out = execFileSync(
    BIN,
    ['synth', '--count', '1', '--seed', String(seed), '--county', '330106', '--today', today(), '--format', 'jsonl'],
    { encoding: 'utf8' },
  );
  const record = JSON.parse(out.trim().split('\n')[0]);
  record.student_number = '';
  return record;
}

async function token(username) {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  return (await login.json()).access_token;
}

async function api(method, path, username, body) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${await token(username)}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path} as ${username}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** A registration submitted by the school and approved by its leader: waiting for the county. */
async function atCounty(slug, record) {
  const req = await api('POST', '/registrations', `${slug}-registrar`, { kind: 'in_school', record });
  await api('POST', `/registrations/${req.id}/actions`, `${slug}-leader`, { action: 'approve' });
  return req.id;
}

test('county inbox across businesses; city forces an overdue county step', async () => {
  // A registration at the county's step.
  const child = synthRecord(7101);
  const regId = await atCounty('hz-xh-1', child);
  // A duplicate pair: the same child registered at two 西湖区 schools; the second school submits
  // evidence for its side, which then waits for the county.
  const twin = synthRecord(7102);
  for (const slug of ['hz-xh-1', 'hz-xh-2']) {
    const id = await atCounty(slug, twin);
    await api('POST', `/registrations/${id}/actions`, 'hz-xh-registrar', { action: 'approve' });
  }
  const problems = await api('GET', '/inbox?business=problem', 'hz-xh-2-registrar');
  assert.equal(problems.total, 1);
  const problemId = Number(problems.items[0].link.split('/').pop());
  const form = new FormData();
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'proof.pdf');
  const up = await fetch(`${server.url}/api/v1/evidence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('hz-xh-2-registrar')}` },
    body: form,
  }).then((r) => r.json());
  const detail = await api('GET', `/problems/${problemId}`, 'hz-xh-2-registrar');
  const side = detail.sides.find((s) => s.in_scope && s.school_name.includes('九年一贯制')).side;
  await api('POST', `/problems/${problemId}/actions`, 'hz-xh-2-registrar', {
    side,
    action: 'evidence',
    reason: '本校在读学生，户籍证明见附件',
    evidence: [up.sha256],
  });

  // ---- desktop: the county's inbox ----
  const desktop = await newPage(browser, server.url, VIEWPORTS.desktop);
  try {
    const { page } = desktop;
    await signIn(page, 'hz-xh-registrar');
    await page.locator('#inbox-banner').waitFor();
    assert.match(await page.locator('#inbox-waiting').innerText(), /^2\s*项待办/);
    await screenshot(page, 'inbox-desktop-home');
    await page.locator('#inbox-waiting').click();
    await page.waitForURL((u) => u.pathname === '/inbox');
    await page.locator('#inbox-list .work-row').nth(1).waitFor();
    assert.match(await page.locator('#inbox-total').innerText(), /共 2 项/);
    assert.equal(await page.locator('#inbox-list .work-row[data-business=registration]').count(), 1);
    assert.equal(await page.locator('#inbox-list .work-row[data-business=problem]').count(), 1);
    for (const due of await page.locator('#inbox-list .work-due').allInnerTexts()) {
      assert.match(due, /办理期限 \d{4}-\d{2}-\d{2}/);
    }
    // The filter narrows to one business.
    await page.selectOption('#inbox-business', 'problem');
    await page.locator('#inbox-total', { hasText: '共 1 项' }).waitFor();
    await page.selectOption('#inbox-business', '');
    await page.locator('#inbox-total', { hasText: '共 2 项' }).waitFor();
    await screenshot(page, 'inbox-desktop');
    await page.locator(`#inbox-list .work-row[data-request-id="${regId}"] .work-open`).click();
    await page.waitForURL((u) => u.pathname === `/registration/${regId}`);
    await page.locator('#request-steps .step-row.step-current').waitFor();
    await page.locator('#registration-actions [data-action=approve]').click();
    await page.locator('[data-field=state]', { hasText: '已办结' }).waitFor();
    await page.locator('#student-number').waitFor();
    assert.equal(await page.locator('#request-steps .step-row').count(), 2);
  } finally {
    await desktop.context.close();
  }

  // ---- a county step left 20 working days: overdue ----
  const stuck = await atCounty('hz-xh-1', synthRecord(7103));
  execFileSync('sqlite3', [
    join(server.dataDir, 'xueji.db'),
    `UPDATE request_steps SET started_at = '2020-01-02 01:00:00+00:00', due_at = '2020-01-16 16:00:00+00:00' WHERE request_id = ${stuck} AND done_at IS NULL;`,
  ]);
  // The deadline moved behind the engine's back: its overdue tallies are recounted.
  const env = { ...process.env, XUEJI_DATA_DIR: server.dataDir };
  delete env.DATABASE_URL;
  execFileSync(BIN, ['recount-tallies'], { env });

  // ---- tablet: the city's overdue list and forced intervention ----
  const tablet = await newPage(browser, server.url, VIEWPORTS.tablet);
  try {
    const { page } = tablet;
    await signIn(page, 'hz-registrar');
    await page.goto('/overdue');
    const row = page.locator('#overdue-counts tr', { hasText: '西湖区' });
    await row.waitFor();
    assert.equal((await row.locator('.overdue-count').innerText()).trim(), '1');
    await page.locator(`#overdue-list .work-row[data-request-id="${stuck}"]`).waitFor();
    await screenshot(page, 'overdue-tablet');
    await page.locator(`#overdue-list .work-row[data-request-id="${stuck}"] .work-open`).click();
    await page.waitForURL((u) => u.pathname === `/registration/${stuck}`);
    await page.locator('#force-hint').waitFor();
    // Without a reason: the Chinese error at once.
    await page.locator('#registration-actions [data-action=force]').click();
    await page.locator('.field-error[data-field=reason]').waitFor();
    await page.fill('#return-reason', '西湖区教育局超过10个工作日未核办，市局强制干预');
    await page.locator('#registration-actions [data-action=force]').click();
    await page.locator('[data-field=state]', { hasText: '已办结' }).waitFor();
    const history = await page.locator('#registration-history').innerText();
    assert.match(history, /强制干预/);
    assert.match(history, /市局强制干预/);
    assert.equal(await page.locator('#request-steps .step-row[data-forced=true]').count(), 1);
    await screenshot(page, 'overdue-tablet-forced');
  } finally {
    await tablet.context.close();
  }

  // ---- phone: a school leader's inbox ----
  await atCounty('hz-xh-1', synthRecord(7104)).then((id) =>
    api('POST', `/registrations/${id}/actions`, 'hz-xh-registrar', { action: 'approve' }),
  );
  await api('POST', '/registrations', 'hz-xh-1-registrar', { kind: 'in_school', record: synthRecord(7105) });
  const phone = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    const { page } = phone;
    await signIn(page, 'hz-xh-1-leader');
    await page.goto('/inbox');
    await page.locator('#inbox-list .work-row').first().waitFor();
    await screenshot(page, 'inbox-phone');
  } finally {
    await phone.context.close();
  }
});
