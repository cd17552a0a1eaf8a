import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { type JobEvent, ManualNetwork, type RealtimeClient } from '../../src/index.js';
import { client, finished, history, range, recorder, seqs, token, user } from './helpers.js';

const clients: RealtimeClient[] = [];
const track = (c: RealtimeClient) => (clients.push(c), c);
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
const open = (c: RealtimeClient) => vi.waitFor(() => expect(c.connection.state).toBe('open'), { timeout: 30_000, interval: 20 });

describe('the SDK against a real regen up', () => {
  it('delivers a model job live, each event once and in order', async () => {
    const alice = user('live');
    const c = track(client(alice));
    const events = recorder(c);
    await open(c);
    const jobId = await c.startJob('model', { prompt: 'hello', chunks: 20 });
    await vi.waitFor(() => expect(finished(events.get(jobId))).toBe(true), { timeout: 60_000, interval: 50 });
    const got = events.get(jobId)!;
    expect(seqs(got)).toEqual(range(0, got.length - 1));
    expect(got[0].type).toBe('job:started:v1');
    expect(got.filter((e) => e.type === 'model:chunk:v1')).toHaveLength(20);
    expect(seqs(await history(jobId, alice))).toEqual(seqs(got));
  });

  it('resumes after a forced disconnect with zero loss', async () => {
    const bob = user('resume');
    const c = track(client(bob));
    const events = recorder(c);
    const resumed: boolean[] = [];
    c.on('welcome', (w) => resumed.push(w.resumed));
    await open(c);
    const jobId = await c.startJob('model', { prompt: 'resume', chunks: 80 });
    await vi.waitFor(() => expect(events.get(jobId)?.length ?? 0).toBeGreaterThan(5), { timeout: 60_000, interval: 20 });
    c.disconnect();
    expect(c.connection.state).toBe('reconnecting');
    await vi.waitFor(() => expect(finished(events.get(jobId))).toBe(true), { timeout: 60_000, interval: 50 });
    expect(resumed).toEqual([false, true]);
    const got = events.get(jobId)!;
    expect(seqs(got)).toEqual(seqs(await history(jobId, bob)));
    expect(seqs(got)).toEqual(range(0, got.length - 1));
  });

  it('drains the offline queue exactly once across a reconnect', async () => {
    const carol = user('queue');
    const network = new ManualNetwork();
    const c = track(client(carol, { network }));
    await open(c);
    network.set(false);
    expect(c.connection.state).toBe('offline');
    const first = c.startJob('model', { prompt: 'one', chunks: 3 }, { idempotencyKey: 'q-1' });
    const second = c.startJob('research', { topic: 'two' }, { idempotencyKey: 'q-2' });
    expect(c.stats.queuedActions).toBe(2);
    // Back online, and the connection drops again right after the queue went out: the actions are
    // sent twice with the same keys, and must still start once each.
    let dropped = false;
    c.on('welcome', () => {
      if (!dropped) {
        dropped = true;
        queueMicrotask(() => c.disconnect());
      }
    });
    network.set(true);
    const [j1, j2] = await Promise.all([first, second]);
    expect(j1).not.toEqual(j2);
    expect(c.stats.queuedActions).toBe(0);
    const listed = async () => {
      const r = await fetch(`${inject('baseUrl')}/api/users/me/jobs`, { headers: { Authorization: `Bearer ${token(carol)}` } });
      return ((await r.json()).jobs as Array<{ jobId: string }>).map((j) => j.jobId).sort();
    };
    await vi.waitFor(async () => expect(await listed()).toEqual([j1, j2].sort()), { timeout: 30_000, interval: 100 });
    await vi.waitFor(async () => {
      const h = await history(j1, carol);
      expect(h.filter((e) => e.type === 'job:started:v1')).toHaveLength(1);
      expect(finished(h)).toBe(true);
    }, { timeout: 30_000, interval: 100 });
  });

  it('refreshes the token in band, without reconnecting', async () => {
    const dave = user('refresh');
    let calls = 0;
    // 62 s tokens: the server warns at once (60 s lead), the SDK fetches a new one.
    const c = track(client(dave, { token: () => token(dave, { ttlSeconds: 62 + calls++ * 3600 }) }));
    const refreshed: number[] = [];
    let welcomes = 0;
    c.on('welcome', () => welcomes++);
    c.on('token_refreshed', (e) => refreshed.push(e.expiresAt));
    await open(c);
    await vi.waitFor(() => expect(refreshed).toHaveLength(1), { timeout: 30_000, interval: 50 });
    expect(refreshed[0]).toBeGreaterThan(Date.now() + 3000_000);
    expect(welcomes).toBe(1);
    expect(calls).toBe(2);
    const jobId = await c.startJob('model', { prompt: 'still here', chunks: 2 });
    expect(jobId).toMatch(/[0-9a-f-]{36}/);
  });

  it('opens a job mid-stream: the snapshot, then the rest with no gap and nothing twice', async () => {
    const erin = user('openjob');
    const producer = track(client(erin));
    const live = recorder(producer);
    await open(producer);
    const jobId = await producer.startJob('model', { prompt: 'mid-stream', chunks: 120 });
    await vi.waitFor(() => expect(live.get(jobId)?.length ?? 0).toBeGreaterThan(20), { timeout: 60_000, interval: 20 });

    const viewer = track(client(erin));
    await open(viewer);
    const after: JobEvent[] = [];
    const view = viewer.openJob(jobId, (e) => after.push(e));
    const snapshot = await view.snapshot;
    expect(snapshot).not.toBeNull();
    expect(snapshot!.status).toBe('RUNNING');
    await vi.waitFor(() => expect(finished(after)).toBe(true), { timeout: 60_000, interval: 50 });
    expect(seqs(after)).toEqual(range(snapshot!.lastSeq + 1, after[after.length - 1].seq));
    const all = await history(jobId, erin);
    const text = (events: JobEvent[]) => events.map((e) => (e.type === 'model:chunk:v1' ? e.data.text : '')).join('');
    expect(snapshot!.responseSoFar + text(after)).toBe(text(all));
  });

  it('replays a finished job as an async iterator', async () => {
    const fay = user('replay');
    const c = track(client(fay));
    const live = recorder(c);
    await open(c);
    const jobId = await c.startJob('research', { topic: 'replay' });
    await vi.waitFor(() => expect(finished(live.get(jobId))).toBe(true), { timeout: 60_000, interval: 50 });
    const replayed: JobEvent[] = [];
    for await (const e of c.replay(jobId)) replayed.push(e);
    expect(seqs(replayed)).toEqual(seqs(live.get(jobId)!));
    expect(replayed.some((e) => e.type === 'research:step:v1')).toBe(true);
  });

  it('pushes live metrics to a token with the metrics role, and refuses one without', async () => {
    const gus = user('metrics');
    const allowed = track(client(gus, { token: token(gus, { roles: ['metrics'] }) }));
    const samples: unknown[] = [];
    allowed.subscribeMetrics((m) => samples.push(m));
    await vi.waitFor(() => expect(samples.length).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 50 });
    expect(samples[1]).toMatchObject({ connections: expect.any(Number), deliveryLatencyMs: expect.any(Object) });
    expect((samples[1] as { connections: number }).connections).toBeGreaterThanOrEqual(1);

    const plain = track(client(user('nometrics')));
    const errors: Array<{ code: string }> = [];
    plain.on('error', (e) => errors.push(e));
    plain.subscribeMetrics(() => {});
    await vi.waitFor(() => expect(errors.map((e) => e.code)).toEqual(['forbidden']), { timeout: 30_000, interval: 50 });
  });
});

describe('up-only HTTP', () => {
  const base = () => inject('baseUrl');

  it('signs in a typed user name with a short-lived token the gateway accepts', async () => {
    const r = await fetch(`${base()}/api/dev/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"userId":"hank"}' });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.userId).toBe('hank');
    expect(body.expiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000 + 5000);
    const c = track(client('hank', { token: body.token }));
    await open(c);
  });

  it('refuses a bad user name with a clear error', async () => {
    const r = await fetch(`${base()}/api/dev/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"userId":"no spaces"}' });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${base()}/api/jobs`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
      });
    const ok = await preflight('http://localhost:5173');
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const evil = await preflight('https://evil.example');
    expect([...evil.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('serves the dashboard at /', async () => {
    const r = await fetch(`${base()}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('Regen Realtime');
  });
});
