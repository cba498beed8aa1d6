// Issue 12, 学籍维护 and 关键信息变更 in the browser. A student is registered at 西湖区求是小学
// (through the API); then:
// - Phone: the school registrar opens the card, edits 特长 (saved at once, in the history),
//   then changes the name: the form says it needs approval; saving without proof shows the
//   error with no request sent; with a 户籍证明 file the change request is submitted.
// - Tablet: the school leader approves it (diff old → new on the request page).
// - Desktop: the county opens it from its inbox and approves it; the card shows the new name
//   and the history.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { VIEWPORTS, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { ARTIFACTS_DIR, DEMO_PASSWORD, startServer } from '../lib/server.mjs';
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

async function api(method, path, username, body) {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const { access_token: token } = await login.json();
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path} as ${username}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function register(slug, record) {
  const req = await api('POST', '/registrations', `${slug}-registrar`, { kind: 'in_school', record });
  await api('POST', `/registrations/${req.id}/actions`, `${slug}-leader`, { action: 'approve' });
  const county = slug.split('-').slice(0, 2).join('-');
  return api('POST', `/registrations/${req.id}/actions`, `${county}-registrar`, { action: 'approve' });
}

test('a name change goes from the phone through the leader and the county to the card', async () => {
  const record = synthRecord(1207);
  const done = await register('hz-xh-1', record);
  const studentId = done.student_id;
  assert.ok(studentId);
  const newName = record.name === '林语桐' ? '林语彤' : '林语桐';
  let changeId;

  // ---- phone: the school registrar edits ----
  const phone = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    const { page, problems } = phone;
    await signIn(page, 'hz-xh-1-registrar');
    await page.goto(`/students/${studentId}`);
    await page.locator('#card-edit').click();
    await page.locator('#student-edit-form').waitFor();
    const name = page.locator('#student-edit-form input[name=name]');
    assert.equal(await name.inputValue(), record.name, 'the form is prefilled');

    // An uncontrolled field: saved at once.
    await page.fill('#student-edit-form input[name=specialty]', '围棋');
    await page.locator('#edit-route [data-route="direct"]').waitFor();
    await page.locator('#edit-save').click();
    await page.waitForURL((u) => u.pathname === `/students/${studentId}`);
    await page.locator('#card-history .history-entry[data-kind="edit"]').waitFor();
    assert.match(await page.locator('#card-history').innerText(), /围棋/);

    // The name: a change request that needs a 户籍证明.
    await page.locator('#card-edit').click();
    await page.locator('#student-edit-form').waitFor();
    await page.fill('#student-edit-form input[name=name]', newName);
    await page.locator('#edit-route [data-route="change_request"]').waitFor();
    assert.match(await page.locator('#edit-controlled').innerText(), /姓名/);
    assert.match(await page.locator('#edit-route').innerText(), /户籍证明/);
    assert.equal(await page.locator('#change-camera').getAttribute('capture'), 'environment');
    const sent = [];
    page.on('request', (r) => {
      if (r.method() === 'PATCH') sent.push(r.url());
    });
    await page.locator('#edit-save').click();
    await page.locator('.field-error[data-field="evidence"]').waitFor();
    assert.deepEqual(sent, [], 'nothing is sent without the proof');
    await page.setInputFiles('#change-file', {
      name: '户籍证明.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.fill('#change-reason', '户籍登记姓名已变更');
    await screenshot(page, 'change-phone-edit');
    // What the phone shows around the verdict and the proof (one screen).
    await page.locator('#edit-route').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -120));
    await page.screenshot({ path: join(ARTIFACTS_DIR, 'change-phone-proof.png') });
    await page.locator('#edit-save').click();
    await page.waitForURL((u) => u.pathname.startsWith('/key-changes/'));
    changeId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.locator('#change-diff tr[data-field="name"]').waitFor();
    assert.match(await page.locator('#change-diff tr[data-field="name"] .diff-new').innerText(), new RegExp(newName));
    assert.match(await page.locator('#change-summary [data-field="next"]').innerText(), /学校核办/);
    await screenshot(page, 'change-phone-submitted');
    assert.deepEqual(problems, []);
  } finally {
    await phone.context.close();
  }

  // ---- tablet: the school leader approves ----
  const tablet = await newPage(browser, server.url, VIEWPORTS.tablet);
  try {
    const { page, problems } = tablet;
    await signIn(page, 'hz-xh-1-leader');
    await page.goto(`/key-changes/${changeId}`);
    await page.locator('#change-diff tr[data-field="name"]').waitFor();
    assert.match(await page.locator('#change-diff tr[data-field="name"] .diff-old').innerText(), new RegExp(record.name));
    await page.locator('#change-evidence [data-evidence]').waitFor();
    await screenshot(page, 'change-tablet-review');
    await page.locator('#change-actions [data-action="approve"]').click();
    await page.locator('#change-summary [data-field="next"]', { hasText: '区县' }).waitFor();
    assert.equal(await page.locator('#change-actions').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await tablet.context.close();
  }

  // ---- desktop: the county approves from its inbox; the card shows the change ----
  const desktop = await newPage(browser, server.url, VIEWPORTS.desktop);
  try {
    const { page, problems } = desktop;
    await signIn(page, 'hz-xh-registrar');
    await page.goto('/inbox');
    await page.locator(`a[href="/key-changes/${changeId}"]`).first().click();
    await page.locator('#change-actions [data-action="approve"]').waitFor();
    await screenshot(page, 'change-desktop-review');
    await page.locator('#change-actions [data-action="approve"]').click();
    await page.locator('#change-summary [data-field="state"]', { hasText: '已办结' }).waitFor();
    await page.locator('#change-summary a').first().click();
    await page.waitForURL((u) => u.pathname === `/students/${studentId}`);
    await page.locator('#card-name', { hasText: newName }).waitFor();
    await page.locator('#card-history .history-entry[data-kind="change"]').waitFor();
    const history = await page.locator('#card-history').innerText();
    assert.match(history, new RegExp(`${record.name}[\\s\\S]*${newName}`));
    assert.match(history, /关键信息变更/);
    await screenshot(page, 'change-desktop-card');
    assert.deepEqual(problems, []);
  } finally {
    await desktop.context.close();
  }
});

async function tokenOf(username) {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  }).then((r) => r.json());
  return login.access_token;
}

test('a returned change request is corrected and resubmitted from the edit page', async () => {
  const record = synthRecord(1208);
  const done = await register('hz-xh-1', record);
  const studentId = done.student_id;
  // Submitted through the API with a 户籍证明, then returned by the school leader.
  const token = await tokenOf('hz-xh-1-registrar');
  const form = new FormData();
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'hukou.pdf');
  const up = await fetch(`${server.url}/api/v1/evidence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  }).then((r) => r.json());
  const ctx = await api('GET', `/students/${studentId}/edit`, 'hz-xh-1-registrar');
  const wrong = record.name === '周子墨' ? '周子默' : '周子墨';
  const fixed = `${wrong.slice(0, 1)}子轩`;
  const submitted = await api('PATCH', `/students/${studentId}`, 'hz-xh-1-registrar', {
    version: ctx.version,
    record: { name: wrong },
    evidence: [{ sha256: up.sha256, kind: 'household' }],
  });
  const id = submitted.change.id;
  await api('POST', `/changes/${id}/actions`, 'hz-xh-1-leader', { action: 'return', reason: '姓名与户籍证明不一致' });

  const phone = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    const { page, problems } = phone;
    await signIn(page, 'hz-xh-1-registrar');
    await page.goto(`/students/${studentId}/edit`);
    await page.locator('#edit-returned', { hasText: '姓名与户籍证明不一致' }).waitFor();
    const name = page.locator('#student-edit-form input[name=name]');
    assert.equal(await name.inputValue(), wrong, 'the form starts from the requested change');
    await name.fill(fixed);
    await page.locator('#edit-needs', { hasText: '姓名' }).waitFor();
    assert.equal(await page.locator('#edit-save').innerText(), '重新提交申请');
    await page.locator('#edit-save').click();
    await page.waitForURL((u) => u.pathname === `/key-changes/${id}`);
    await page.locator('#change-summary [data-field="state"]', { hasText: '待核办' }).waitFor();
    assert.match(await page.locator('#change-diff tr[data-field="name"] .diff-new').innerText(), new RegExp(fixed));
    await screenshot(page, 'change-phone-resubmitted');
    assert.deepEqual(problems, []);
  } finally {
    await phone.context.close();
  }
});
