// Issue 5, 问题学籍处理 in the browser. The same child is registered in Hangzhou and in Ningbo
// (through the API); then, on the problem record's page:
// - Phone: the Ningbo school registrar adds evidence — submitting without a reason or a file
//   shows the Chinese errors at once with no request sent — then with both.
// - Tablet: the Ningbo county approves it.
// - Desktop: Hangzhou upholds its record too, so the pair goes to the province (their lowest
//   common superior), which keeps the Ningbo record; the record is resolved and the Ningbo
//   child holds the G number.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
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

async function act(page, key) {
  await page.locator(`#problem-actions [data-action="${key}"]`).click();
  await page.locator('#problem-action-form').waitFor();
}

async function sideState(page, side) {
  return page.locator(`.pd-side[data-side="${side}"] .pd-side-state`).getAttribute('data-state');
}

test('a duplicate pair is worked off and arbitrated by the province', async () => {
  const record = synthRecord(17);
  const first = await register('hz-xh-1', record);
  assert.equal(first.student_number, `G${record.id_number}`);
  await register('nb-hs-1', record);
  const list = await api('GET', '/problems', 'nb-hs-1-registrar');
  assert.equal(list.total, 1);
  const id = list.items[0].id;

  // ---- phone: the Ningbo school adds evidence ----
  const phone = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    const { page, problems } = phone;
    await signIn(page, 'nb-hs-1-registrar');
    await page.goto(`/problems/${id}`);
    await page.locator('#problem-state').waitFor();
    assert.equal(await page.locator('#problem-actions [data-action]').count(), 3);
    const posts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/v1/problems/')) posts.push(r.url());
    });
    await act(page, 'a:evidence');
    await page.locator('#problem-action-submit').click();
    await page.locator('.field-error[data-field="reason"]').waitFor();
    await page.locator('.field-error[data-field="evidence"]').waitFor();
    await screenshot(page, 'problem-phone-errors');
    assert.deepEqual(posts, [], 'nothing is sent while the form is incomplete');
    await page.fill('#problem-action-form textarea[name=reason]', '派出所出具户籍证明，本校学生身份无误');
    await page.setInputFiles('#problem-action-form input[type=file]', {
      name: '户籍证明.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.locator('#problem-action-submit').click();
    await page.locator('.pd-side[data-side="a"] .pd-side-state[data-state="claimed"]').waitFor();
    await page.locator('#problem-history [data-evidence]').first().waitFor();
    await screenshot(page, 'problem-phone-claimed');
    assert.deepEqual(problems, []);
  } finally {
    await phone.context.close();
  }

  // ---- tablet: the Ningbo county approves its school's evidence ----
  const tablet = await newPage(browser, server.url, VIEWPORTS.tablet);
  try {
    const { page } = tablet;
    await signIn(page, 'nb-hs-registrar');
    await page.goto(`/problems/${id}`);
    await page.locator('#problem-state').waitFor();
    await act(page, 'a:approve');
    await screenshot(page, 'problem-tablet-approve');
    await page.locator('#problem-action-submit').click();
    await page.locator('.pd-side[data-side="a"] .pd-side-state[data-state="upheld"]').waitFor();
    assert.equal(await sideState(page, 'b'), 'open');
  } finally {
    await tablet.context.close();
  }

  // Hangzhou upholds its record too (through the API): the pair goes to arbitration.
  const hz = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'hz-xh-1-registrar', password: DEMO_PASSWORD }),
  }).then((r) => r.json());
  const form = new FormData();
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'proof.pdf');
  const up = await fetch(`${server.url}/api/v1/evidence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hz.access_token}` },
    body: form,
  }).then((r) => r.json());
  await api('POST', `/problems/${id}/actions`, 'hz-xh-1-registrar', {
    side: 'b',
    action: 'evidence',
    reason: '本校在读学生',
    evidence: [up.sha256],
  });
  const arb = await api('POST', `/problems/${id}/actions`, 'hz-xh-registrar', { side: 'b', action: 'approve' });
  assert.equal(arb.state, 'arbitration');

  // ---- desktop: the province arbitrates ----
  const desktop = await newPage(browser, server.url, VIEWPORTS.desktop);
  try {
    const { page, problems } = desktop;
    await signIn(page, 'zj-registrar');
    await page.goto(`/problems/${id}`);
    await page.locator('#problem-state[data-state="arbitration"]').waitFor();
    await act(page, 'a:keep');
    await screenshot(page, 'problem-desktop-arbitration');
    await page.locator('#problem-action-submit').click();
    await page.locator('#problem-state[data-state="resolved"]').waitFor();
    const resolution = await page.locator('#problem-resolution').innerText();
    assert.match(resolution, /仲裁/);
    assert.equal(await sideState(page, 'b'), 'left');
    await screenshot(page, 'problem-desktop-resolved');
    assert.deepEqual(problems, []);
  } finally {
    await desktop.context.close();
  }
  const students = await api('GET', `/students?q=${record.id_number}`, 'nb-hs-1-registrar');
  assert.equal(students.items[0].student_number, `G${record.id_number}`);
});
