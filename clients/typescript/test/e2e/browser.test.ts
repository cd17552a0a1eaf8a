import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

// The demo in headless Chromium (the Debian package) against the real `up` of the global setup.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;
let page: Page;
const shots = () => join(inject('outputDir'), 'screenshots');
const figures: Record<string, number | string> = {};

type Timings = { loadToFirstEventMs: number | null; reconnects: Array<{ ms: number | null }>; states: string[] };
const timings = () => page.evaluate(() => (window as unknown as { regenDemo: { timings: Timings } }).regenDemo.timings);
const shot = (name: string) => page.screenshot({ path: join(shots(), `${name}.png`), fullPage: true });
const sessionToken = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('regen.demo.session')!).token as string);

/** seq of every rendered chunk in the answer, and the seq the snapshot covers (if any). */
const answer = () =>
  page.evaluate(() => {
    const el = document.querySelector('[data-testid="answer"]')!;
    const snap = el.querySelector('.snapshot') as HTMLElement | null;
    const seqs = [...el.querySelectorAll('span[data-seq]')].map((s) => Number((s as HTMLElement).dataset.seq));
    return { through: snap ? Number(snap.dataset.through) : null, seqs, text: el.textContent ?? '' };
  });

async function completed(): Promise<string> {
  await page.getByTestId('job-status').filter({ hasText: 'COMPLETED' }).waitFor({ timeout: 90_000 });
  return (await page.getByTestId('job-id').textContent())!;
}

/** The job's model chunks from the topic (authoritative; the state store may lag a little behind). */
async function chunks(jobId: string): Promise<Array<{ seq: number; text: string }>> {
  const r = await fetch(`${inject('baseUrl')}/api/job/${jobId}/events`, { headers: { Authorization: `Bearer ${await sessionToken()}` } });
  return (await r.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; seq: number; data: { text?: string } })
    .filter((e) => e.type === 'model:chunk:v1')
    .map((e) => ({ seq: e.seq, text: e.data.text ?? '' }));
}

/** The answer shows the snapshot, then exactly the chunks after it: no gap, no repeat, same text. */
async function expectWholeAnswer(jobId: string): Promise<void> {
  const { through, seqs, text } = await answer();
  expect(through).not.toBeNull();
  const all = await chunks(jobId);
  expect(seqs).toEqual(all.filter((c) => c.seq > through!).map((c) => c.seq));
  expect(text).toBe(all.map((c) => c.text).join(''));
}

beforeAll(async () => {
  mkdirSync(shots(), { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e));
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) {
    await shot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}`);
    console.error('page error text:', await page.getByTestId('app-error').textContent(), 'timings:', await timings());
  }
});

afterAll(async () => {
  await browser?.close();
  writeFileSync(join(inject('outputDir'), 'e2e-figures.json'), JSON.stringify(figures, null, 2) + '\n');
  console.log('E2E figures:', figures);
});

describe('the demo dashboard in a real browser', () => {
  it('signs in and streams a model answer chunk by chunk', async () => {
    await page.goto(`${inject('baseUrl')}/`);
    await page.getByTestId('user').fill(`browser-${Date.now().toString(36)}`);
    await page.getByTestId('signin-button').click();
    await page.getByTestId('status-state').filter({ hasText: 'open' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('chunks').fill('150');
    await page.getByTestId('start-model').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="answer"] span[data-seq]').length >= 10, null, { timeout: 60_000 });
    await shot('1-streaming');
  });

  it('shows reconnecting then open after a forced disconnect, and the text goes on with no gap and no repeat', async () => {
    const before = (await timings()).states.length;
    await page.getByTestId('kill').click();
    await page.getByTestId('status-state').filter({ hasText: 'open' }).waitFor({ timeout: 30_000 });
    const t = await timings();
    expect(t.states.slice(before)).toEqual(['reconnecting', 'open']);
    figures.reconnectAfterForcedDisconnectMs = t.reconnects[0].ms!;
    await shot('2-reconnected');
    const jobId = await completed();
    // The view opened right after the ack: the snapshot (if the job had begun) plus every later chunk.
    await expectWholeAnswer(jobId);
    await shot('3-completed');
  });

  it('reloads mid-answer and shows the snapshot plus the rest', async () => {
    await page.getByTestId('chunks').fill('200');
    await page.getByTestId('start-model').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="answer"] span[data-seq]').length >= 40, null, { timeout: 60_000 });
    await page.reload();
    await page.locator('[data-testid="answer"] .snapshot').waitFor({ state: 'attached', timeout: 30_000 });
    await shot('4-after-reload-snapshot');
    const t = await timings();
    figures.pageLoadToFirstEventMs = t.loadToFirstEventMs ?? 'none';
    const jobId = await completed();
    figures.reloadSnapshotThroughSeq = (await answer()).through ?? 'none';
    await expectWholeAnswer(jobId);
    await shot('5-reload-completed');
  });

  it('starts a job while offline, once, when back online', async () => {
    const token = await sessionToken();
    const jobsNow = async () => {
      const r = await fetch(`${inject('baseUrl')}/api/users/me/jobs?limit=100`, { headers: { Authorization: `Bearer ${token}` } });
      return ((await r.json()).jobs as unknown[]).length;
    };
    const before = await jobsNow();
    await page.context().setOffline(true);
    await page.getByTestId('status-state').filter({ hasText: 'offline' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('chunks').fill('20');
    await page.getByTestId('start-model').click();
    await page.getByTestId('queued').filter({ hasText: '1' }).waitFor({ timeout: 5_000 });
    await shot('6-offline-queued');
    await page.context().setOffline(false);
    await page.getByTestId('status-state').filter({ hasText: 'open' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('queued').filter({ hasText: '0' }).waitFor({ timeout: 30_000 });
    const jobId = await completed();
    expect(jobId).toMatch(/[0-9a-f-]{36}/);
    await expect.poll(jobsNow, { timeout: 30_000, interval: 200 }).toBe(before + 1);
    await shot('7-offline-job-ran-once');
  });

  it('replays a finished job and shows live metrics pushed by the server', async () => {
    const row = page.locator('[data-testid="jobs"] tr').first();
    await row.locator('.replay').click();
    await page.locator('[data-testid="replay"][data-done="true"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="replay"] span').count()).toBeGreaterThan(5);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="m-connections"]')!.textContent) >= 1, null, { timeout: 30_000 });
    await shot('8-replay-and-metrics');
  });
});
