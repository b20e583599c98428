// Drives the web console in Debian's Chromium, headless, for ConsoleE2ETest: one JSON command a line
// on standard input, one JSON answer a line on standard output ({"ok": true, ...} or {"ok": false,
// "error": ...}). The test decides what to do next from what the page showed; this script only
// reads the page and acts on it as a person would.
//
//   node console-driver.mjs <profile-dir>
//
// The profile directory must be new and empty: Chromium starts with nothing remembered.

import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const WAIT_MILLIS = 60_000;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const profile = process.argv[2];
if (!profile) {
  console.error('usage: node console-driver.mjs <profile-dir>');
  process.exit(2);
}

const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: CHROMIUM_ARGS,
  viewport: { width: 1360, height: 900 },
});
const page = context.pages()[0] ?? await context.newPage();
/** Every request the page made: where to, and whether it carried a bearer token. */
const requests = [];
const problems = [];
page.on('request', (request) => requests.push({ url: request.url(), bearer: 'authorization' in request.headers() }));
// The browser logs every refused request; the refusals of a wrong token are the test's own doing.
page.on('console', (message) => {
  if (message.type() === 'error' && !message.text().includes('status of 401')) {
    problems.push(message.text());
  }
});
page.on('pageerror', (error) => problems.push(String(error)));

const visible = (selector) => page.locator(selector).isVisible();

/** Shows a tab and waits until the page has brought it up to date since. */
async function tab(name) {
  const before = await page.evaluate(() => document.body.dataset.refreshes ?? '0');
  await page.click(`#tabs a[data-tab="${name}"]`);
  await page.waitForFunction(([tabName, count]) => document.body.dataset.refreshed === tabName
    && document.body.dataset.refreshes !== count, [name, before], { timeout: WAIT_MILLIS });
}

const commands = {
  async open({ url }) {
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('#login:visible, #tabs:visible').first().waitFor({ timeout: WAIT_MILLIS });
    return {};
  },

  /** What the page shows of signing in, and what it asked of the admin API. */
  async state() {
    const admin = requests.filter((request) => new URL(request.url).pathname.startsWith('/admin/'));
    return {
      signInShown: await visible('#login'),
      refusal: (await visible('#login-error')) ? await page.textContent('#login-error') : null,
      tabsShown: await visible('#tabs'),
      overviewShown: await visible('#overview'),
      adminRequests: admin.length,
      adminRequestsWithoutToken: admin.filter((request) => !request.bearer).length,
      urls: [...new Set(requests.map((request) => request.url))],
      problems,
    };
  },

  async signIn({ token }) {
    await page.fill('#token-input', token);
    await page.click('#login-form button[type=submit]');
    await page.locator('#tabs:visible, #login-error:visible').first().waitFor({ timeout: WAIT_MILLIS });
    return { signedIn: await visible('#tabs'), refusal: (await visible('#login-error')) ? await page.textContent('#login-error') : null };
  },

  async signOut() {
    await page.click('#logout');
    await page.locator('#login').waitFor({ state: 'visible', timeout: WAIT_MILLIS });
    return { token: await page.evaluate(() => sessionStorage.length) };
  },

  /** The overview's figures as the page shows them (the raw numbers behind the text). */
  async overview() {
    await tab('overview');
    await page.locator('[data-figure="servedBytes"][data-value]').waitFor({ timeout: WAIT_MILLIS });
    await page.locator('#upstreams tbody tr').first().waitFor({ timeout: WAIT_MILLIS });
    return page.evaluate(() => {
      const figures = {};
      for (const element of document.querySelectorAll('.card [data-figure]')) {
        figures[element.dataset.figure] = element.dataset.value === '' ? null : Number(element.dataset.value);
      }
      const tiers = {};
      for (const bar of document.querySelectorAll('#chart-tiers rect.bar')) {
        tiers[bar.dataset.key] = Number(bar.dataset.value);
      }
      const upstreams = [...document.querySelectorAll('#upstreams tbody tr')].map((row) => ({
        registry: row.dataset.registry, state: row.querySelector('.badge').textContent,
      }));
      const drawn = (id) => document.querySelectorAll(`#${id} path.line, #${id} circle`).length;
      return {
        figures, tiers, upstreams,
        charts: { hits: drawn('chart-hits'), bytes: drawn('chart-bytes'), disk: drawn('chart-disk') },
        hitRatioText: document.querySelector('[data-figure="hitRatio"]').textContent,
      };
    });
  },

  /** Waits until the fill of digest shows bytes landed; what its row shows. */
  async fillShown({ digest }) {
    await tab('fills');
    const row = page.locator(`#fills-table tr[data-digest="${digest}"]`);
    await page.waitForFunction((d) => {
      const shown = document.querySelector(`#fills-table tr[data-digest="${d}"]`);
      return shown && Number(shown.dataset.landed) > 0;
    }, digest, { timeout: WAIT_MILLIS });
    const progress = row.locator('progress');
    return {
      landed: Number(await row.getAttribute('data-landed')),
      size: Number(await row.getAttribute('data-size')),
      ranges: Number(await row.getAttribute('data-ranges')),
      readers: Number(await row.getAttribute('data-readers')),
      progressValue: Number(await progress.getAttribute('value')),
      progressMax: Number(await progress.getAttribute('max')),
      text: await row.innerText(),
    };
  },

  async fillGone({ digest }) {
    await tab('fills');
    await page.locator(`#fills-table tr[data-digest="${digest}"]`).waitFor({ state: 'detached', timeout: WAIT_MILLIS });
    return { emptyShown: await visible('#fills-empty') };
  },

  async images({ search = '' }) {
    await tab('images');
    await page.fill('#image-search', search);
    await page.locator('#images-table tbody tr, #images-empty:visible').first().waitFor({ timeout: WAIT_MILLIS });
    return {
      rows: await page.$$eval('#images-table tbody tr', (rows) => rows.map((row) => ({
        image: row.dataset.image, bytes: Number(row.dataset.bytes), pinned: row.dataset.pinned === 'true',
      }))),
    };
  },

  /** Clicks an image's button (pin, unpin, purge: purge asks to be clicked twice) and waits for the table to say so. */
  async act({ image, action }) {
    await tab('images');
    await page.fill('#image-search', '');
    const row = `#images-table tr[data-image="${image}"]`;
    const button = page.locator(`${row} button[data-action="${action}"]`);
    await button.click();
    if (action === 'purge') {
      await button.click();
      await page.locator(row).waitFor({ state: 'detached', timeout: WAIT_MILLIS });
    } else {
      await page.locator(`${row}[data-pinned="${action === 'pin'}"]`).waitFor({ timeout: WAIT_MILLIS });
    }
    return {};
  },

  async prefetch({ image }) {
    await tab('images');
    await page.fill('#prefetch-images', image);
    await page.click('#prefetch-form button[type=submit]');
    await page.locator(`#prefetches li[data-image="${image}"]`).first().waitFor({ timeout: WAIT_MILLIS });
    return {};
  },

  /** Waits until the prefetch of image shows landed bytes short of its total (running), or has ended (done). */
  async prefetchShown({ image, until }) {
    const selector = `#prefetches li[data-image="${image}"]`;
    await page.waitForFunction(([s, u]) => {
      const job = document.querySelector(s);
      if (!job) {
        return false;
      }
      const landed = Number(job.dataset.landed ?? 0);
      return u === 'running' ? job.dataset.state === 'running' && landed > 0 && landed < Number(job.dataset.total)
        : job.dataset.state !== 'running';
    }, [selector, until], { timeout: WAIT_MILLIS });
    const job = page.locator(selector).first();
    return {
      state: await job.getAttribute('data-state'),
      landed: Number(await job.getAttribute('data-landed')),
      total: Number(await job.getAttribute('data-total')),
      text: await job.innerText(),
    };
  },

  async screenshot({ path }) {
    await page.screenshot({ path, fullPage: true });
    return { path };
  },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) {
    continue;
  }
  const command = JSON.parse(line);
  if (command.do === 'close') {
    break;
  }
  let answer;
  try {
    const run = commands[command.do];
    if (!run) {
      throw new Error(`no command ${command.do}`);
    }
    answer = { ok: true, ...(await run(command)) };
  } catch (failure) {
    answer = { ok: false, error: String(failure.stack ?? failure) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
await context.close();
