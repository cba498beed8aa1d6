// Issue 9, one request page for every business: a registration request (at the county's step,
// with its duplicate candidate) and a problem record (a duplicate pair across two cities) show
// the same parts from one component — what is asked, the parties, the action bar, the steps
// with their deadlines, the history — at phone, tablet and desktop sizes, nothing wider than the
// screen. Screenshots: e2e/artifacts/request-<business>-<device>.png.
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

/** Nothing may be wider than the viewport (no sideways scrolling). */
async function assertNoHorizontalOverflow(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
}

/** The parts every request page has, in its one component. */
async function assertRequestParts(page, prefix) {
  await page.locator(`[data-request-page="${prefix}"]`).waitFor();
  await page.locator(`#${prefix}-parties .request-party`).first().waitFor();
  await page.locator(`#${prefix}-actions [data-action]`).first().waitFor();
  await page.locator('#request-steps .step-row.step-current .step-due').first().waitFor();
}

test('a registration request and a problem record on the one request page, three sizes', async () => {
  // A registration waiting for the 西湖区 county (submitted and approved by the school).
  const record = synthRecord(9101);
  const req = await api('POST', '/registrations', 'hz-xh-1-registrar', { kind: 'in_school', record });
  await api('POST', `/registrations/${req.id}/actions`, 'hz-xh-1-leader', { action: 'approve' });

  // A duplicate pair: the same child registered in Hangzhou and in Ningbo.
  const twin = synthRecord(9102);
  for (const slug of ['hz-xh-1', 'nb-hs-1']) {
    const r = await api('POST', '/registrations', `${slug}-registrar`, { kind: 'in_school', record: twin });
    await api('POST', `/registrations/${r.id}/actions`, `${slug}-leader`, { action: 'approve' });
    const county = slug.split('-').slice(0, 2).join('-');
    await api('POST', `/registrations/${r.id}/actions`, `${county}-registrar`, { action: 'approve' });
  }
  const problems = await api('GET', '/problems', 'nb-hs-1-registrar');
  assert.equal(problems.total, 1);
  const problemId = problems.items[0].id;

  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    const county = await newPage(browser, server.url, viewport);
    try {
      const { page } = county;
      await signIn(page, 'hz-xh-registrar');
      await page.goto(`/registration/${req.id}`);
      await assertRequestParts(page, 'registration');
      assert.equal(
        (await page.locator('#registration-parties [data-party=applicant] .request-party-name').innerText()).trim(),
        req.school.name,
      );
      const actions = await page
        .locator('#registration-actions [data-action]')
        .evaluateAll((bs) => bs.map((b) => b.dataset.action));
      assert.ok(actions.includes('approve') && actions.includes('return'), actions.join());
      assert.ok((await page.locator('#registration-history .request-history-item').count()) >= 2);
      await assertNoHorizontalOverflow(page);
      await screenshot(page, `request-registration-${device}`);
      assert.deepEqual(county.problems, []);
    } finally {
      await county.context.close();
    }

    const school = await newPage(browser, server.url, viewport);
    try {
      const { page } = school;
      await signIn(page, 'nb-hs-1-registrar');
      await page.goto(`/problems/${problemId}`);
      await assertRequestParts(page, 'problem');
      assert.equal(await page.locator('#problem-parties .pd-side[data-side]').count(), 2);
      await assertNoHorizontalOverflow(page);
      await screenshot(page, `request-problem-${device}`);
      assert.deepEqual(school.problems, []);
    } finally {
      await school.context.close();
    }
  }
});
