import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RealtimeClient, createClient } from '../../src/client.js';
import { ManualNetwork } from '../../src/network.js';
import { MemoryStorage } from '../../src/storage.js';
import type { ConnectionStatus } from '../../src/status.js';
import { FakeSocket, event, eventOfAttempt } from './fake-socket.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function client(overrides: Record<string, unknown> = {}): { c: RealtimeClient; states: ConnectionStatus[] } {
  const c = createClient({
    url: 'ws://gw/ws',
    token: 'T',
    WebSocket: FakeSocket,
    storage: new MemoryStorage(),
    network: new ManualNetwork(),
    backoff: { initialMs: 1000, maxMs: 8000, factor: 2 },
    random: () => 0.5,
    ...overrides,
  });
  const states: ConnectionStatus[] = [];
  c.on('status', (s) => states.push(s));
  return { c, states };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

describe('connecting', () => {
  it('sends auth first, then is open', async () => {
    const { c } = client();
    await flush();
    FakeSocket.last.open();
    expect(FakeSocket.last.sent).toEqual([{ type: 'auth', token: 'T' }]);
    FakeSocket.last.welcome();
    expect(c.connection.state).toBe('open');
  });

  it('asks the token provider on every connect', async () => {
    let n = 0;
    client({ token: async () => `T${++n}` });
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    expect(FakeSocket.all.map((s) => s.sent[0]?.token)).toEqual(['T1', 'T2']);
  });
});

describe('reconnect', () => {
  it('backs off exponentially with jitter, shows the next retry time, resets once open', async () => {
    const { c, states } = client();
    await flush();
    FakeSocket.last.drop(1006);
    expect(c.connection).toMatchObject({ state: 'reconnecting', attempt: 1, lastCloseCode: 1006, nextRetryAt: 500 });
    await vi.advanceTimersByTimeAsync(499);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.last.drop(1006);
    expect(c.connection.nextRetryAt).toBe(500 + 1000); // ceiling 2000, jitter 0.5
    await vi.advanceTimersByTimeAsync(1000);
    FakeSocket.last.drop(1006);
    expect(c.connection.nextRetryAt).toBe(1500 + 2000);
    await vi.advanceTimersByTimeAsync(2000);
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    expect(c.connection).toMatchObject({ state: 'open', attempt: 0, nextRetryAt: null });
    expect(states.map((s) => s.state)).toContain('reconnecting');
  });

  it('reconnects at once, without back-off, when a draining gateway closes with 4012', async () => {
    const { c } = client();
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome(false, 'v1.0.4');
    FakeSocket.last.receive(event('j', 0, 'v1.0.5'));
    FakeSocket.last.drop(1006); // a failure first: the next ceiling would be 2000 ms
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.drop(4012);
    expect(c.connection).toMatchObject({ state: 'reconnecting', attempt: 1, lastCloseCode: 4012, nextRetryAt: 500 });
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.last.open();
    expect(FakeSocket.last.sent[0]).toEqual({ type: 'auth', token: 'T', cursor: 'v1.0.5' });
    FakeSocket.last.drop(1006); // that attempt failed: back-off counts from the immediate try
    expect(c.connection.nextRetryAt).toBe(500 + 1000); // ceiling 2000 (not 4000), jitter 0.5
  });

  it('resumes with the cursor of the last event it processed', async () => {
    const { c } = client();
    const texts: string[] = [];
    c.on('model:chunk:v1', (e) => texts.push(e.data.text));
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome(false, 'v1.0.4');
    FakeSocket.last.receive(event('j', 0, 'v1.0.5'));
    FakeSocket.last.receive(event('j', 1, 'v1.0.6'));
    FakeSocket.last.drop(1001);
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    expect(FakeSocket.last.sent[0]).toEqual({ type: 'auth', token: 'T', cursor: 'v1.0.6' });
    FakeSocket.last.welcome(true, 'v1.0.8');
    FakeSocket.last.receive(event('j', 1, 'v1.0.6')); // a repeat must not reach the app
    FakeSocket.last.receive(event('j', 2, 'v1.0.7'));
    expect(texts).toEqual(['t0 ', 't1 ', 't2 ']);
    expect(c.stats.duplicatesDropped).toBe(1);
  });

  it('tells the app when the server could not resume', async () => {
    const { c } = client();
    const failed: unknown[] = [];
    c.on('resume_failed', (e) => failed.push(e));
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome(false, 'v1.0.1');
    expect(failed).toEqual([]); // no cursor sent: nothing to resume
    FakeSocket.last.receive(event('j', 0, 'v1.0.2'));
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    FakeSocket.last.welcome(false, 'v1.0.9');
    expect(failed).toEqual([{ cursor: 'v1.0.2' }]);
    expect(c.lastCursor).toBe('v1.0.9');
  });

  it('stops on 4001 and 4003 and says why', async () => {
    for (const code of [4001, 4003]) {
      FakeSocket.all = [];
      const { c } = client();
      await flush();
      FakeSocket.last.open();
      FakeSocket.last.drop(code);
      expect(c.connection.state).toBe('closed');
      expect(c.connection.lastCloseCode).toBe(code);
      expect(c.connection.closedReason).toMatch(code === 4001 ? /authentication failed/ : /another user/);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(FakeSocket.all).toHaveLength(1);
    }
  });

  it('does not retry while offline and retries at once when back online', async () => {
    const network = new ManualNetwork();
    const { c } = client({ network });
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    network.set(false);
    expect(c.connection.state).toBe('offline');
    expect(FakeSocket.all[0].closedWith).not.toBeNull();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeSocket.all).toHaveLength(1);
    network.set(true);
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    expect(c.connection.state).toBe('reconnecting');
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    expect(c.connection.state).toBe('open');
  });

  it('detects a dead connection by its heartbeat and reconnects', async () => {
    const { c } = client({ heartbeatMs: 1000, deadAfterMs: 2000 });
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.last.sentOfType('ping')).toHaveLength(1);
    FakeSocket.last.receive({ type: 'pong', id: 'x' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.connection.state).toBe('open');
    await vi.advanceTimersByTimeAsync(3000); // ping unanswered
    expect(c.connection.state).toBe('reconnecting');
    expect(FakeSocket.all[0].closedWith?.reason).toBe('heartbeat timeout');
  });

  it('close() stops for good; connect() starts again', async () => {
    const { c } = client();
    await flush();
    c.close();
    expect(c.connection).toMatchObject({ state: 'closed', closedReason: 'closed by the app' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    c.connect();
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
  });
});

describe('token refresh', () => {
  it('re-auths in band on token_expiring, without reconnecting', async () => {
    let n = 0;
    const { c } = client({ token: () => `T${++n}` });
    const refreshed: unknown[] = [];
    c.on('token_refreshed', (e) => refreshed.push(e));
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    FakeSocket.last.receive({ type: 'token_expiring', inMs: 59000 });
    await flush();
    const reauth = FakeSocket.last.sentOfType('auth')[1];
    expect(reauth).toMatchObject({ type: 'auth', token: 'T2' });
    FakeSocket.last.receive({ type: 'reauthed', id: reauth.id, expiresAt: 99 });
    expect(refreshed).toEqual([{ expiresAt: 99 }]);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('tells the app when a fixed token is about to expire', async () => {
    const { c } = client();
    const warned: unknown[] = [];
    c.on('token_expiring', (e) => warned.push(e));
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    FakeSocket.last.receive({ type: 'token_expiring', inMs: 1000 });
    await flush();
    expect(warned).toEqual([{ inMs: 1000 }]);
  });
});

describe('offline queue', () => {
  it('queues while disconnected, replays in order on connect, settles by the reply, once', async () => {
    const storage = new MemoryStorage();
    const { c } = client({ storage });
    await flush();
    const first = c.startJob('model', { prompt: 'a' }, { idempotencyKey: 'k1' });
    const second = c.cancelJob('job-9');
    expect(c.stats.queuedActions).toBe(2);
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const sent = FakeSocket.last.sent.slice(1);
    expect(sent.map((f) => f.type)).toEqual(['start_job', 'cancel_job']);
    expect(sent[0]).toMatchObject({ id: 'k1', idempotencyKey: 'k1', jobType: 'model', input: { prompt: 'a' } });
    // The connection drops before the replies: both are sent again, with the same keys.
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const resent = FakeSocket.last.sent.slice(1);
    expect(resent.map((f) => f.id)).toEqual(sent.map((f) => f.id));
    FakeSocket.last.receive({ type: 'ack', id: 'k1', jobId: 'job-1' });
    FakeSocket.last.receive({ type: 'ack', id: resent[1].id, jobId: 'job-9' });
    FakeSocket.last.receive({ type: 'ack', id: 'k1', jobId: 'job-1' }); // late repeat: ignored
    await expect(first).resolves.toBe('job-1');
    await expect(second).resolves.toBeUndefined();
    expect(c.stats.queuedActions).toBe(0);
    expect(storage.getItem('regen.realtime.queue')).toBeNull();
  });

  it('replays what an earlier page queued and reports it as an action event', async () => {
    const storage = new MemoryStorage();
    storage.setItem('regen.realtime.queue', JSON.stringify([{ kind: 'start_job', key: 'old', jobType: 'research', queuedAt: 0 }]));
    const { c } = client({ storage });
    const results: unknown[] = [];
    c.on('action', (r) => results.push(r));
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    expect(FakeSocket.last.sentOfType('start_job')).toEqual([
      { type: 'start_job', id: 'old', jobType: 'research', idempotencyKey: 'old' },
    ]);
    FakeSocket.last.receive({ type: 'ack', id: 'old', jobId: 'j-old' });
    expect(results).toEqual([{ key: 'old', kind: 'start_job', jobId: 'j-old' }]);
  });

  it('rejects with the server error and forgets the action', async () => {
    const { c } = client();
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const p = c.startJob('Bad Type', {}, { idempotencyKey: 'k' });
    FakeSocket.last.receive({ type: 'error', id: 'k', code: 'invalid_frame', message: 'jobType is invalid' });
    await expect(p).rejects.toMatchObject({ code: 'invalid_frame', message: 'jobType is invalid' });
    expect(c.stats.queuedActions).toBe(0);
  });

  it('keeps a rate-limited action queued and retries it after retryAfterMs', async () => {
    const { c } = client();
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const p = c.startJob('model', {}, { idempotencyKey: 'k' });
    FakeSocket.last.receive({ type: 'error', id: 'k', code: 'rate_limited', message: 'slow down', retryAfterMs: 700 });
    expect(c.stats.queuedActions).toBe(1);
    await vi.advanceTimersByTimeAsync(700);
    expect(FakeSocket.last.sentOfType('start_job')).toHaveLength(2);
    FakeSocket.last.receive({ type: 'ack', id: 'k', jobId: 'j' });
    await expect(p).resolves.toBe('j');
  });

  it('refuses an action over the bound with a clear error', async () => {
    const { c } = client({ maxQueuedActions: 1 });
    void c.startJob('model');
    await expect(c.startJob('model')).rejects.toThrow('offline queue is full (1 actions waiting)');
  });
});

describe('replay', () => {
  it('iterates the replayed events until replay_end, apart from live events', async () => {
    const { c } = client();
    const live: number[] = [];
    c.onJob('j', (e) => live.push(e.seq));
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const it = c.replay('j');
    const req = FakeSocket.last.sentOfType('replay')[0];
    expect(req).toMatchObject({ jobId: 'j', fromSeq: 0 });
    FakeSocket.last.receive({ ...event('j', 0, 'v1.0.1'), replay: req.id });
    FakeSocket.last.receive(event('j', 5, 'v1.0.9'));
    FakeSocket.last.receive({ ...event('j', 1, 'v1.0.2'), replay: req.id });
    FakeSocket.last.receive({ type: 'replay_end', id: req.id, jobId: 'j', count: 2 });
    const seqs: number[] = [];
    for await (const e of it) seqs.push(e.seq);
    expect(seqs).toEqual([0, 1]);
    expect(live).toEqual([5]);
  });

  it('throws the server error', async () => {
    const { c } = client();
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const it = c.replay('nope');
    const req = FakeSocket.last.sentOfType('replay')[0];
    FakeSocket.last.receive({ type: 'error', id: req.id, code: 'not_found', message: 'unknown job' });
    await expect(it.next()).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('openJob', () => {
  it('renders the snapshot, then continues after it with no gap and nothing twice', async () => {
    let answer: (v: Response) => void = () => {};
    const fetch = vi.fn(() => new Promise<Response>((r) => (answer = r)));
    const { c } = client({ fetch });
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const seen: number[] = [];
    const view = c.openJob('j', (e) => seen.push(e.seq));
    await flush();
    // Live events arrive while the snapshot is in flight: 3 is in the snapshot, 5 is not.
    FakeSocket.last.receive(event('j', 3, 'v1.0.3'));
    FakeSocket.last.receive(event('j', 5, 'v1.0.5'));
    answer(new Response(JSON.stringify({ jobId: 'j', lastSeq: 3, responseSoFar: 't0 t1 t2 t3 ' }), { status: 200 }));
    const snapshot = await view.snapshot;
    expect(snapshot?.responseSoFar).toBe('t0 t1 t2 t3 ');
    expect(fetch).toHaveBeenCalledWith('http://gw/api/job/j/state', { headers: { Authorization: 'Bearer T' } });
    const req = FakeSocket.last.sentOfType('replay')[0];
    expect(req).toMatchObject({ jobId: 'j', fromSeq: 4 });
    FakeSocket.last.receive({ ...event('j', 4, 'v1.0.4'), replay: req.id });
    FakeSocket.last.receive({ ...event('j', 5, 'v1.0.5'), replay: req.id });
    FakeSocket.last.receive(event('j', 6, 'v1.0.6'));
    FakeSocket.last.receive({ type: 'replay_end', id: req.id, jobId: 'j', count: 2 });
    FakeSocket.last.receive(event('j', 7, 'v1.0.7'));
    expect(seen).toEqual([4, 5, 6, 7]);
  });

  it('fills a gap in live events from the topic', async () => {
    const fetch = vi.fn(async () => new Response('{"error":"not_found"}', { status: 404 }));
    const { c } = client({ fetch });
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const seen: number[] = [];
    const view = c.openJob('j', (e) => seen.push(e.seq));
    expect(await view.snapshot).toBeNull();
    const first = FakeSocket.last.sentOfType('replay')[0];
    FakeSocket.last.receive({ type: 'replay_end', id: first.id, jobId: 'j', count: 0 });
    FakeSocket.last.receive(event('j', 0, 'v1.0.1'));
    FakeSocket.last.receive(event('j', 3, 'v1.0.4')); // 1 and 2 never arrived live
    const second = FakeSocket.last.sentOfType('replay')[1];
    expect(second).toMatchObject({ fromSeq: 1 });
    FakeSocket.last.receive({ ...event('j', 1, 'v1.0.2'), replay: second.id });
    FakeSocket.last.receive({ ...event('j', 2, 'v1.0.3'), replay: second.id });
    FakeSocket.last.receive({ ...event('j', 3, 'v1.0.4'), replay: second.id });
    FakeSocket.last.receive({ type: 'replay_end', id: second.id, jobId: 'j', count: 3 });
    expect(seen).toEqual([0, 1, 2, 3]);
  });
});

describe('attempts', () => {
  it('delivers a restarted job from seq 0, announces the restart and drops the old attempt', async () => {
    const { c } = client();
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const seen: string[] = [];
    const restarts: unknown[] = [];
    c.onJob('j', (e) => seen.push(`${e.attempt}/${e.seq}`));
    c.on('restart', (r) => restarts.push(r));
    FakeSocket.last.receive(event('j', 0, 'v1.0.1')); // no attempt field: 1
    FakeSocket.last.receive(event('j', 1, 'v1.0.2'));
    FakeSocket.last.receive(eventOfAttempt('j', 2, 0, 'v1.0.3'));
    FakeSocket.last.receive(eventOfAttempt('j', 1, 2, 'v1.0.4')); // the old run, late
    FakeSocket.last.receive(eventOfAttempt('j', 2, 1, 'v1.0.5'));
    expect(seen).toEqual(['1/0', '1/1', '2/0', '2/1']);
    expect(restarts).toEqual([{ jobId: 'j', attempt: 2 }]);
    expect(c.stats.staleDropped).toBe(1);
    expect(c.lastCursor).toBe('v1.0.5');
  });

  it('openJob restarts the view on a newer attempt and fills a gap inside it from the topic', async () => {
    const fetch = vi.fn(async () =>
      new Response(JSON.stringify({ jobId: 'j', lastSeq: 2, attempt: 1, responseSoFar: 't0 t1 t2 ' }), { status: 200 }),
    );
    const { c } = client({ fetch });
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    const seen: string[] = [];
    const restarts: number[] = [];
    const view = c.openJob('j', (e) => seen.push(`${e.attempt}/${e.seq}`), { onRestart: (a) => restarts.push(a) });
    await view.snapshot;
    const first = FakeSocket.last.sentOfType('replay')[0];
    expect(first).toMatchObject({ fromSeq: 3 });
    FakeSocket.last.receive({ type: 'replay_end', id: first.id, jobId: 'j', count: 0 });
    FakeSocket.last.receive(eventOfAttempt('j', 2, 0, 'v1.0.9'));
    FakeSocket.last.receive(eventOfAttempt('j', 2, 2, 'v1.0.11')); // seq 1 of attempt 2 missed
    const second = FakeSocket.last.sentOfType('replay')[1];
    expect(second).toMatchObject({ fromSeq: 1 });
    // The gateway's replay sends the old attempt's later events, then the new attempt from 0.
    FakeSocket.last.receive({ ...eventOfAttempt('j', 1, 3, 'v1.0.8'), replay: second.id });
    FakeSocket.last.receive({ ...eventOfAttempt('j', 2, 0, 'v1.0.9'), replay: second.id });
    FakeSocket.last.receive({ ...eventOfAttempt('j', 2, 1, 'v1.0.10'), replay: second.id });
    FakeSocket.last.receive({ ...eventOfAttempt('j', 2, 2, 'v1.0.11'), replay: second.id });
    FakeSocket.last.receive({ type: 'replay_end', id: second.id, jobId: 'j', count: 4 });
    expect(seen).toEqual(['2/0', '2/1', '2/2']);
    expect(restarts).toEqual([2]);
  });
});

describe('live metrics', () => {
  it('subscribes once per connection, hands pushes to the handler, stops asking when forbidden', async () => {
    const { c } = client();
    const got: unknown[] = [];
    c.subscribeMetrics((m) => got.push(m));
    await flush();
    FakeSocket.last.open();
    FakeSocket.last.welcome();
    expect(FakeSocket.last.sentOfType('subscribe_metrics')).toHaveLength(1);
    FakeSocket.last.receive({ type: 'metrics', at: 1, connections: 3, users: 2, deliveryLatencyMs: { mean: 1, max: 2, count: 5 }, jobs: null, dau: null });
    expect(got).toEqual([{ at: 1, connections: 3, users: 2, deliveryLatencyMs: { mean: 1, max: 2, count: 5 }, jobs: null, dau: null }]);
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    FakeSocket.last.welcome(true);
    const again = FakeSocket.last.sentOfType('subscribe_metrics');
    expect(again).toHaveLength(1);
    FakeSocket.last.receive({ type: 'error', id: again[0].id, code: 'forbidden', message: 'no role' });
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    FakeSocket.last.welcome(true);
    expect(FakeSocket.last.sentOfType('subscribe_metrics')).toHaveLength(0);
  });
});
