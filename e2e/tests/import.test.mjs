// Issue 5, 批量注册 in the browser.
// - Phone: the school registrar downloads the template (an .xlsx), uploads a filled one with
//   good and bad rows (made by `xueji import-sample`), sees the progress and then the report
//   (row, field, reason), is refused "全部正确才导入" with the count, imports the valid rows
//   and finds them in the school's list.
// - Tablet and desktop: the same page with a report on screen, then cancelled.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { VIEWPORTS, launch, newPage, screenshot, signIn } from '../lib/browser.mjs';
import { ARTIFACTS_DIR, startServer } from '../lib/server.mjs';

const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(E2E_DIR, process.env.XUEJI_BIN ?? '../target/debug/xueji');

let server;
let browser;
let tmp;
before(async () => {
  server = await startServer();
  browser = await launch();
  tmp = mkdtempSync(join(tmpdir(), 'xueji-import-'));
});
after(async () => {
  await browser?.close();
  await server?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function today() {
  // Business dates are China Standard Time.
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A filled template: `rows` synthetic students, rows 3 and 5 spoiled (wrong ID check, no name). */
function sample(name, rows, bad, seed) {
  const path = join(tmp, name);
  execFileSync(
    BIN,
    ['import-sample', '--out', path, '--rows', String(rows), '--bad', String(bad), '--seed', String(seed), '--today', today()],
    { encoding: 'utf8' },
  );
  return path;
}

async function uploadAndWait(page, file) {
  await page.locator('#import-file').setInputFiles(file);
  await page.click('#import-upload');
  const job = page.locator('#import-job[data-status=checked]');
  await job.waitFor({ timeout: 30_000 }).catch(async (e) => {
    const alerts = await page.locator('[role=alert]').allInnerTexts();
    throw new Error(`no checked job: ${alerts.join(' | ')}\n${e.message}`);
  });
}

test('a registrar imports the valid rows of a spreadsheet on a phone', async () => {
  const file = sample('phone.xlsx', 5, 2, 7);
  const { context, page, problems } = await newPage(browser, server.url, VIEWPORTS.phone);
  try {
    await signIn(page, 'hz-xh-1-registrar');
    await page.goto('/registration');
    await page.locator('#registration-import').waitFor();

    // The template is an .xlsx workbook (a zip archive).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#import-template')]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'a zip archive');
    assert.ok(bytes.length > 5000, `a real workbook (${bytes.length} bytes)`);

    // Nothing chosen: a Chinese message, nothing sent.
    await page.click('#import-upload');
    assert.match(await page.locator('#import-alert').innerText(), /请先选择/);

    await uploadAndWait(page, file);
    assert.equal(
      (await page.locator('#import-summary').innerText()).trim(),
      '共 5 行：有效 3 行，有问题 2 行',
    );
    const lines = await page.locator('#import-report .imp-error').evaluateAll((els) =>
      els.map((e) => [
        e.dataset.row,
        e.querySelector('.imp-error-label').innerText,
        e.querySelector('.imp-error-message').innerText,
      ]),
    );
    assert.deepEqual(
      lines.map(([row, label]) => [row, label]),
      [
        ['3', '身份证件号'],
        ['3', '全国学籍号'],
        ['5', '姓名'],
      ],
    );
    assert.match(lines[0][2], /校验码错误/);
    assert.equal(lines[2][2], '请填写姓名');
    // Phone layout: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
    await page.locator('#registration-import').scrollIntoViewIfNeeded();
    await screenshot(page, 'import-phone-report');
    await page.locator('#registration-import').screenshot({ path: join(ARTIFACTS_DIR, 'import-phone-card.png') });

    // All or nothing is refused with the count; nothing is written.
    await page.click('#import-commit-all');
    await page.locator('#import-alert').waitFor();
    assert.match(await page.locator('#import-alert').innerText(), /有 2 行不符合要求/);
    assert.equal(await page.locator('#registration-list .reg-row').count(), 0);

    // The valid rows go in and show in the school's list.
    assert.equal((await page.locator('#import-commit-valid').innerText()).trim(), '导入有效记录（3 条）');
    await page.click('#import-commit-valid');
    await page.locator('#import-job[data-status=done]').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('#import-done').innerText(), /已导入 3 条注册申请/);
    await page.locator('#registration-list .reg-row').nth(2).waitFor();
    assert.equal(await page.locator('#registration-list .reg-row').count(), 3);
    await screenshot(page, 'import-phone-done');
    await page.locator('#registration-import').screenshot({ path: join(ARTIFACTS_DIR, 'import-phone-card-done.png') });
    // The refused all-or-nothing commit is the one failed request the browser logs.
    const unexpected = problems.filter((p) => !/status of 422/.test(p));
    assert.deepEqual(unexpected, [], 'a clean console');
  } finally {
    await context.close();
  }
});

for (const [size, seed] of [
  ['tablet', 8],
  ['desktop', 9],
]) {
  test(`the import report on a ${size}, then cancelled`, async () => {
    const file = sample(`${size}.xlsx`, 8, 4, seed);
    const { context, page } = await newPage(browser, server.url, VIEWPORTS[size]);
    try {
      await signIn(page, 'hz-xh-2-registrar');
      await page.goto('/registration');
      await page.locator('#registration-import').waitFor();
      await uploadAndWait(page, file);
      assert.equal(
        (await page.locator('#import-summary').innerText()).trim(),
        '共 8 行：有效 4 行，有问题 4 行',
      );
      await screenshot(page, `import-${size}-report`);
      await page.screenshot({ path: join(ARTIFACTS_DIR, `import-${size}-viewport.png`) });
      await page.click('#import-cancel');
      await page.locator('#import-job[data-status=cancelled]').waitFor();
      await page.click('#import-again');
      await page.locator('#import-file').waitFor();
    } finally {
      await context.close();
    }
  });
}
