// Login and home at phone, tablet and desktop sizes; screenshots go to e2e/artifacts/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VIEWPORTS, launch, newPage, screenshot, signIn, waitForApp } from '../lib/browser.mjs';
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

/** Nothing may be wider than the viewport (no sideways scrolling). */
async function assertNoHorizontalOverflow(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  const size = `${device}-${viewport.width}x${viewport.height}`;

  test(`${size}: login and home`, async () => {
    const { context, page, problems } = await newPage(browser, server.url, viewport);
    try {
      await page.goto('/login');
      await waitForApp(page);
      await page.locator('#login-form').waitFor();
      await assertNoHorizontalOverflow(page);
      await screenshot(page, `${size}-login`);

      await signIn(page, 'hz-xh-1-registrar');
      await page.locator('.sync-status:empty').waitFor({ state: 'attached' }); // GET /me done
      await assertNoHorizontalOverflow(page);
      assert.equal(await page.locator('#logout').isVisible(), true);
      if (device === 'phone') {
        assert.equal(await page.locator('#menu-toggle').isVisible(), true);
        assert.equal(await page.locator('#account-chip').isVisible(), false);
        // The menu opens from the toggle and shows the module links.
        await page.click('#menu-toggle');
        await page.locator('#main-nav a.nav-link[data-module=statistics]').waitFor({ state: 'visible' });
        await screenshot(page, `${size}-home-menu-open`);
        await page.click('#menu-toggle');
        await page.locator('#main-nav a.nav-link[data-module=statistics]').waitFor({ state: 'hidden' });
      } else {
        assert.equal(await page.locator('#menu-toggle').isVisible(), false);
        assert.equal(await page.locator('#account-chip').isVisible(), true);
        assert.equal(await page.locator('#main-nav a.nav-link[data-module=registration]').isVisible(), true);
      }
      await screenshot(page, `${size}-home`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}
