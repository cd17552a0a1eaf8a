import { AsyncQueue } from './async-queue.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { SeqDeduper } from './dedupe.js';
import type { EventType, JobEvent, JobEventOf } from './generated/events.js';
import { type NetworkMonitor, defaultNetwork } from './network.js';
import {
  type LiveMetrics,
  RealtimeError,
  RECONNECT_NOW_CLOSE,
  type ServerFrame,
  TERMINAL_CLOSE_CODES,
} from './protocol.js';
import { OfflineQueue, type QueuedAction } from './queue.js';
import { type ConnectionStatus, StatusMachine } from './status.js';
import { type KeyValueStorage, defaultStorage } from './storage.js';
import { type JobSnapshot, JobTracker } from './job-tracker.js';

/** The subset of the WebSocket API the client needs: the browser's and the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketFactory = new (url: string) => WebSocketLike;

/** A token, or a function returning one; called on every (re)connect and on `token_expiring`. */
export type TokenSource = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** The gateway's WebSocket endpoint, e.g. `ws://localhost:8080/ws`. */
  url: string;
  token: TokenSource;
  /** Base URL of the REST API (job snapshots); default: `url` with http(s) and without the path. */
  httpUrl?: string;
  /** WebSocket implementation; default `globalThis.WebSocket` (in Node pass `WebSocket` from `ws`). */
  WebSocket?: WebSocketFactory;
  backoff?: BackoffOptions;
  /** An app-level ping this often when nothing else was sent (default 15 000 ms). */
  heartbeatMs?: number;
  /** No frame at all from the server for this long after a ping: the connection is dead (default 10 000 ms). */
  deadAfterMs?: number;
  /** Persists the offline queue; default localStorage in browsers, memory elsewhere. */
  storage?: KeyValueStorage;
  /** Storage key of the offline queue (default `regen.realtime.queue`). */
  queueKey?: string;
  /** Most actions waiting at once (default 100); one more rejects with QueueFullError. */
  maxQueuedActions?: number;
  /** online/offline signal; default the browser's events, always online in Node. */
  network?: NetworkMonitor;
  /** Connect at once (default true); otherwise call `connect()`. */
  autoConnect?: boolean;
  fetch?: typeof fetch;
  random?: () => number;
}

/** What a settled action (`startJob`, `cancelJob`) resolved to; also emitted as `action`. */
export interface ActionResult {
  key: string;
  kind: QueuedAction['kind'];
  jobId?: string;
  error?: RealtimeError;
}

/** Everything `on()` can listen to: each event type by wire name, `*` for all, and client events. */
export type ClientEvents = { [T in EventType]: JobEventOf<T> } & {
  '*': JobEvent;
  status: ConnectionStatus;
  welcome: { userId: string; sessionId: string; cursor: string | null; resumed: boolean };
  /** A cursor was sent but the server could not resume from it: refetch state (openJob does). */
  resume_failed: { cursor: string };
  token_refreshed: { expiresAt: number };
  /** The server warned of expiry but the token is a fixed string: the app must reconnect with a new one. */
  token_expiring: { inMs: number };
  /** A queued action's reply arrived (also for actions queued by an earlier page). */
  action: ActionResult;
  metrics: LiveMetrics;
  /** An `error` frame without a pending request (e.g. rate limiting of frames). */
  error: RealtimeError;
  /** A repeated (jobId, attempt, seq) was dropped. */
  duplicate: JobEvent;
  /** A job was run again by a worker (its first event of a newer attempt arrived, seq 0 again). */
  restart: { jobId: string; attempt: number };
  /** An event of an older attempt than its job's latest arrived late and was dropped. */
  stale: JobEvent;
};

type Handler<K extends keyof ClientEvents> = (event: ClientEvents[K]) => void;

interface Pending {
  resolve: (r: ActionResult) => void;
  reject: (e: unknown) => void;
}

const OPEN = 1;
const LOCAL_HEARTBEAT_CLOSE = 4000;
const LOCAL_OFFLINE_CLOSE = 4005;

/** A connection to the Regen Realtime gateway that survives disconnects. See README.md. */
export class RealtimeClient {
  private readonly opts: ClientOptions;
  private readonly backoff: Backoff;
  private readonly status = new StatusMachine();
  private readonly queue: OfflineQueue;
  private readonly deduper = new SeqDeduper();
  private readonly network: NetworkMonitor;
  private readonly handlers = new Map<string, Set<(e: unknown) => void>>();
  private readonly jobHandlers = new Map<string, Set<(e: JobEvent) => void>>();
  private readonly pending = new Map<string, Pending>();
  private readonly replays = new Map<string, AsyncQueue<JobEvent>>();
  private readonly trackers = new Set<JobTracker>();
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private socket: WebSocketLike | null = null;
  private cursor: string | null = null;
  private welcomed = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastReceivedAt = 0;
  private lastPingAt = 0;
  private metricsWanted = false;
  private metricsRequestId: string | null = null;
  private stopped = false;
  private nextId = 0;
  private unsubscribeNetwork: () => void = () => {};
  private userId: string | null = null;

  constructor(options: ClientOptions) {
    if (!options.url) throw new TypeError('createClient needs a url');
    if (options.token === undefined || options.token === null || options.token === '') {
      throw new TypeError('createClient needs a token or a token provider');
    }
    this.opts = options;
    this.backoff = new Backoff(options.backoff, options.random);
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.deadAfterMs = options.deadAfterMs ?? 10_000;
    this.queue = new OfflineQueue(
      options.storage ?? defaultStorage(),
      options.queueKey ?? 'regen.realtime.queue',
      options.maxQueuedActions ?? 100,
    );
    this.network = options.network ?? defaultNetwork();
    this.status.subscribe((s) => this.emit('status', s));
    if (options.autoConnect !== false) this.connect();
  }

  // --- public API ---

  /** The current connection status (see `on('status')` to observe it). */
  get connection(): ConnectionStatus {
    return this.status.status;
  }

  /** The cursor of the last event handed to the app; sent on reconnect to resume after it. */
  get lastCursor(): string | null {
    return this.cursor;
  }

  /**
   * Counters: repeats dropped by the (jobId, attempt, seq) filter, events of superseded attempts
   * dropped, actions waiting in the queue.
   */
  get stats(): { duplicatesDropped: number; staleDropped: number; queuedActions: number } {
    return {
      duplicatesDropped: this.deduper.duplicates,
      staleDropped: this.deduper.stale,
      queuedActions: this.queue.size,
    };
  }

  /** The actions waiting for a reply, oldest first. */
  get queuedActions(): readonly QueuedAction[] {
    return this.queue.all();
  }

  on<K extends keyof ClientEvents>(name: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    const h = handler as (e: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Live events of one job, each (attempt, seq) once, those of superseded attempts dropped. */
  onJob(jobId: string, handler: (event: JobEvent) => void): () => void {
    let set = this.jobHandlers.get(jobId);
    if (!set) this.jobHandlers.set(jobId, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.jobHandlers.delete(jobId);
    };
  }

  /** Starts (or restarts after `close()`) connecting. */
  connect(): void {
    if (this.status.state === 'closed') {
      this.status.transition('connecting', { attempt: 0, closedReason: null });
    }
    this.stopped = false;
    this.unsubscribeNetwork();
    this.unsubscribeNetwork = this.network.subscribe((online) => this.onNetwork(online));
    if (!this.network.isOnline()) {
      this.status.transition('offline');
      return;
    }
    void this.openSocket();
  }

  /** Closes the connection for good (until `connect()`); queued actions stay queued. */
  close(reason = 'closed by the app'): void {
    this.stopped = true;
    this.unsubscribeNetwork();
    this.clearRetry();
    this.dropSocket(1000, reason);
    if (this.status.state !== 'closed') this.status.transition('closed', { closedReason: reason });
    this.failInFlight(new RealtimeError('closed', reason));
  }

  /** Drops the current connection as a network failure would (demo, tests): the client reconnects. */
  disconnect(): void {
    const socket = this.socket;
    if (socket) {
      this.detach(socket);
      socket.close(1000, 'forced disconnect');
      this.onSocketClosed(LOCAL_HEARTBEAT_CLOSE, 'forced disconnect');
    }
  }

  /**
   * Starts a job. Queued (persisted) first, sent when connected, re-sent after every reconnect with
   * the same idempotencyKey until the server replies, so it starts once. Resolves with the jobId.
   */
  startJob(
    jobType: string,
    input?: Record<string, unknown>,
    options: { idempotencyKey?: string } = {},
  ): Promise<string> {
    const key = options.idempotencyKey ?? randomKey();
    return this.enqueue({ kind: 'start_job', key, jobType, input, queuedAt: Date.now() }).then(
      (r) => r.jobId as string,
    );
  }

  /** Cancels a job (same queueing as startJob). */
  cancelJob(jobId: string): Promise<void> {
    return this.enqueue({ kind: 'cancel_job', key: randomKey(), jobId, queuedAt: Date.now() }).then(
      () => undefined,
    );
  }

  /** The job's history from the topic, in seq order, as an async iterator (owner or analyst). */
  replay(jobId: string, fromSeq = 0): AsyncIterableIterator<JobEvent> {
    const id = this.newId('rp');
    const q = new AsyncQueue<JobEvent>(() => this.replays.delete(id));
    this.replays.set(id, q);
    this.whenOpen(() => this.send({ type: 'replay', id, jobId, fromSeq }));
    return q;
  }

  /**
   * Opens a job view: its snapshot from `/api/job/{id}/state`, then every later event once and in
   * (attempt, seq) order (events the snapshot already holds are skipped; missed ones are read back
   * from the topic). When a worker runs the job again, `onRestart(attempt)` is called and the view
   * continues with the new attempt from seq 0 (the app resets what it rendered).
   */
  openJob(
    jobId: string,
    onEvent: (event: JobEvent) => void,
    options: { onRestart?: (attempt: number) => void } = {},
  ): { snapshot: Promise<JobSnapshot | null>; close: () => void } {
    const tracker = new JobTracker(jobId, onEvent, {
      fetchSnapshot: () => this.fetchSnapshot(jobId),
      requestReplay: (fromSeq, id) =>
        this.whenOpen(() => this.send({ type: 'replay', id, jobId, fromSeq })),
      newId: () => this.newId('oj'),
      onRestart: options.onRestart,
    });
    this.trackers.add(tracker);
    return { snapshot: tracker.start(), close: () => this.trackers.delete(tracker) };
  }

  /** Live metrics pushed by the server about once a second (token needs role `metrics` or `analyst`). */
  subscribeMetrics(handler: (m: LiveMetrics) => void): () => void {
    const off = this.on('metrics', handler);
    if (!this.metricsWanted) {
      this.metricsWanted = true;
      // Sent now if connected; otherwise by the next welcome, which re-subscribes every connection.
      if (this.welcomed) this.subscribeMetricsFrame();
    }
    return off;
  }

  private subscribeMetricsFrame(): void {
    this.metricsRequestId = this.newId('m');
    this.send({ type: 'subscribe_metrics', id: this.metricsRequestId });
  }

  // --- connection ---

  private async openSocket(): Promise<void> {
    this.clearRetry();
    let token: string;
    try {
      token = await this.token();
    } catch (e) {
      // Retried with backoff: a sign-in service can be briefly unreachable too.
      this.onSocketClosed(1006, `token provider failed: ${(e as Error).message}`);
      return;
    }
    if (this.stopped || !this.network.isOnline()) return;
    const Ctor = this.opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketFactory }).WebSocket;
    if (!Ctor) throw new Error('no WebSocket implementation: pass options.WebSocket (e.g. from "ws")');
    let socket: WebSocketLike;
    try {
      socket = new Ctor(this.opts.url);
    } catch (e) {
      this.onSocketClosed(1006, (e as Error).message);
      return;
    }
    this.socket = socket;
    this.welcomed = false;
    socket.onopen = () => {
      this.lastReceivedAt = Date.now();
      socket.send(JSON.stringify({ type: 'auth', token, ...(this.cursor ? { cursor: this.cursor } : {}) }));
    };
    socket.onmessage = (ev) => {
      this.lastReceivedAt = Date.now();
      this.onFrame(String(ev.data));
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.detach(socket);
      this.onSocketClosed(ev.code, ev.reason);
    };
    socket.onerror = () => {
      // A close event always follows; it carries the code.
    };
  }

  private onSocketClosed(code: number, reason: string): void {
    this.socket = null;
    this.welcomed = false;
    this.stopHeartbeat();
    if (this.stopped) return;
    const terminal = TERMINAL_CLOSE_CODES[code];
    const patch = { lastCloseCode: code, lastCloseReason: reason || null };
    if (terminal) {
      this.stopped = true;
      this.unsubscribeNetwork();
      this.status.transition('closed', { ...patch, closedReason: `${code}: ${terminal}` });
      this.failInFlight(new RealtimeError('closed', terminal));
      return;
    }
    if (!this.network.isOnline()) {
      if (this.status.state !== 'offline') this.status.transition('offline', patch);
      return;
    }
    if (code === RECONNECT_NOW_CLOSE) {
      // The gateway drains: reconnect at once; a failed attempt then backs off from the start.
      this.scheduleRetry(patch, true);
      return;
    }
    this.scheduleRetry(patch);
  }

  /** `now`: retry without delay and count this as the first attempt (a draining gateway's 4012). */
  private scheduleRetry(patch: Partial<ConnectionStatus> = {}, now = false): void {
    this.clearRetry();
    const attempt = now ? 0 : this.status.status.attempt;
    const delay = now ? 0 : this.backoff.delay(attempt);
    this.status.transition('reconnecting', { ...patch, attempt: attempt + 1, nextRetryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.status.update({ nextRetryAt: null });
      void this.openSocket();
    }, delay);
  }

  private onNetwork(online: boolean): void {
    if (this.stopped) return;
    if (!online) {
      this.clearRetry();
      const socket = this.socket;
      if (socket) {
        this.detach(socket);
        socket.close(1000, 'browser offline');
        this.socket = null;
        this.welcomed = false;
        this.stopHeartbeat();
      }
      if (this.status.state !== 'offline') {
        this.status.transition('offline', { lastCloseCode: socket ? LOCAL_OFFLINE_CLOSE : this.status.status.lastCloseCode });
      }
      return;
    }
    // Back online: try at once, without waiting for the backoff.
    if (this.status.state === 'offline' || this.status.state === 'reconnecting') {
      if (this.status.state === 'offline') this.status.transition('reconnecting', { nextRetryAt: null });
      void this.openSocket();
    }
  }

  private detach(socket: WebSocketLike): void {
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (this.socket === socket) this.socket = null;
  }

  private dropSocket(code: number, reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.detach(socket);
    try {
      socket.close(code, reason);
    } catch {
      // already closing
    }
    this.stopHeartbeat();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async token(): Promise<string> {
    const t = typeof this.opts.token === 'function' ? await this.opts.token() : this.opts.token;
    if (typeof t !== 'string' || t.length === 0) throw new Error('the token provider returned no token');
    return t;
  }

  // --- heartbeat ---

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const tick = Math.max(50, Math.min(this.heartbeatMs, this.deadAfterMs) / 2);
    this.lastPingAt = Date.now();
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      const unanswered = this.lastPingAt > this.lastReceivedAt;
      if (unanswered && now - this.lastPingAt > this.deadAfterMs) {
        // The ping went unanswered: the network path is gone even if the socket looks open.
        const socket = this.socket;
        if (socket) {
          this.detach(socket);
          socket.close(1000, 'heartbeat timeout');
          this.onSocketClosed(LOCAL_HEARTBEAT_CLOSE, 'no reply to heartbeat');
        }
        return;
      }
      if (!unanswered && now - this.lastReceivedAt >= this.heartbeatMs) {
        this.lastPingAt = now;
        this.send({ type: 'ping', id: this.newId('hb') });
      }
    }, tick);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  // --- frames ---

  private onFrame(text: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return; // not ours to fix; the protocol only sends JSON
    }
    switch (frame.type) {
      case 'welcome':
        return this.onWelcome(frame);
      case 'event':
        return this.onEvent(frame);
      case 'replay_end': {
        const q = this.replays.get(frame.id);
        if (q) {
          this.replays.delete(frame.id);
          q.end();
        }
        for (const t of this.trackers) t.replayEnded(frame.id);
        return;
      }
      case 'ack':
        return this.settle(frame.id, { jobId: frame.jobId });
      case 'error':
        return this.onError(frame);
      case 'reauthed':
        return this.emit('token_refreshed', { expiresAt: frame.expiresAt });
      case 'token_expiring':
        return void this.refreshToken(frame.inMs);
      case 'metrics': {
        const { type: _t, ...metrics } = frame;
        return this.emit('metrics', metrics as LiveMetrics);
      }
      default:
        return; // pong, metrics_subscribed, frames of newer servers
    }
  }

  private onWelcome(frame: Extract<ServerFrame, { type: 'welcome' }>): void {
    const sentCursor = this.cursor;
    this.welcomed = true;
    this.userId = frame.userId;
    this.status.transition('open', { attempt: 0, nextRetryAt: null });
    this.startHeartbeat();
    if (!sentCursor && frame.cursor) this.cursor = frame.cursor;
    this.emit('welcome', {
      userId: frame.userId,
      sessionId: frame.sessionId,
      cursor: frame.cursor,
      resumed: frame.resumed,
    });
    if (sentCursor && !frame.resumed) {
      this.cursor = frame.cursor;
      this.emit('resume_failed', { cursor: sentCursor });
    }
    // Requests of the previous connection (replays, trackers) went with it: ask again.
    for (const [id] of this.replays) {
      this.replays.get(id)?.fail(new RealtimeError('disconnected', 'the connection dropped during the replay'));
    }
    this.replays.clear();
    for (const t of this.trackers) t.reconnected(!!sentCursor && !frame.resumed);
    if (this.metricsWanted) this.subscribeMetricsFrame();
    for (const action of this.queue.all()) this.sendAction(action);
    for (const fn of this.openWaiters.splice(0)) fn();
  }

  private onEvent(frame: Extract<ServerFrame, { type: 'event' }>): void {
    const event = frame.event;
    if (typeof event.attempt !== 'number') event.attempt = 1; // a gateway before schema v2
    if (frame.replay !== undefined) {
      this.replays.get(frame.replay)?.push(event);
      for (const t of this.trackers) t.replayEvent(frame.replay, event);
      return;
    }
    const verdict = this.deduper.verdict(event.jobId, event.seq, event.attempt);
    if (verdict === 'restart') this.emit('restart', { jobId: event.jobId, attempt: event.attempt });
    if (verdict === 'new' || verdict === 'restart') {
      this.emit(event.type, event as never);
      this.emit('*', event);
      const set = this.jobHandlers.get(event.jobId);
      if (set) for (const h of [...set]) safely(() => h(event));
      for (const t of this.trackers) t.liveEvent(event);
    } else if (verdict === 'stale') {
      this.emit('stale', event);
    } else {
      this.emit('duplicate', event);
    }
    // Processed (or a repeat): resume after it.
    this.cursor = frame.cursor;
  }

  private onError(frame: Extract<ServerFrame, { type: 'error' }>): void {
    const error = new RealtimeError(frame.code, frame.message, frame.retryAfterMs);
    if (frame.id && this.replays.has(frame.id)) {
      const q = this.replays.get(frame.id);
      this.replays.delete(frame.id);
      q?.fail(error);
      return;
    }
    if (frame.id) {
      for (const t of this.trackers) if (t.replayFailed(frame.id, error)) return;
    }
    if (frame.id && frame.id === this.metricsRequestId && frame.code === 'forbidden') {
      this.metricsWanted = false; // this token may not see metrics: stop asking on every reconnect
    }
    if (frame.id && this.queue.has(frame.id)) {
      if (frame.code === 'rate_limited' || frame.code === 'internal') {
        // Not this action's fault: it stays queued and is retried on the next connection.
        this.emit('error', error);
        this.retryLater(frame.id, frame.retryAfterMs ?? 1000);
        return;
      }
      return this.settle(frame.id, { error });
    }
    this.emit('error', error);
  }

  private retryLater(key: string, ms: number): void {
    setTimeout(() => {
      const action = this.queue.all().find((a) => a.key === key);
      if (action && this.welcomed) this.sendAction(action);
    }, ms);
  }

  private async refreshToken(inMs: number): Promise<void> {
    if (typeof this.opts.token === 'string') {
      this.emit('token_expiring', { inMs });
      return;
    }
    try {
      const token = await this.token();
      this.send({ type: 'auth', id: this.newId('ra'), token });
    } catch {
      this.emit('token_expiring', { inMs });
    }
  }

  // --- actions ---

  private enqueue(action: QueuedAction): Promise<ActionResult> {
    return new Promise<ActionResult>((resolve, reject) => {
      try {
        this.queue.add(action);
      } catch (e) {
        reject(e);
        return;
      }
      this.pending.set(action.key, {
        resolve,
        reject,
      });
      if (this.welcomed) this.sendAction(action);
    }).then((r) => {
      if (r.error) throw r.error;
      return r;
    });
  }

  private sendAction(action: QueuedAction): void {
    if (action.kind === 'start_job') {
      this.send({
        type: 'start_job',
        id: action.key,
        jobType: action.jobType,
        ...(action.input ? { input: action.input } : {}),
        idempotencyKey: action.key,
      });
    } else {
      this.send({ type: 'cancel_job', id: action.key, jobId: action.jobId });
    }
  }

  private settle(key: string, outcome: { jobId?: string; error?: RealtimeError }): void {
    const action = this.queue.all().find((a) => a.key === key);
    if (!action) return; // a late duplicate reply
    this.queue.remove(key);
    const result: ActionResult = { key, kind: action.kind, ...outcome };
    const p = this.pending.get(key);
    this.pending.delete(key);
    p?.resolve(result);
    this.emit('action', result);
  }

  private failInFlight(error: RealtimeError): void {
    for (const [id, q] of this.replays) {
      q.fail(error);
      this.replays.delete(id);
    }
    for (const [key, p] of this.pending) {
      // The action stays in the persisted queue; only this promise gives up.
      p.reject(error);
      this.pending.delete(key);
    }
  }

  // --- helpers ---

  private readonly openWaiters: Array<() => void> = [];

  private whenOpen(fn: () => void): void {
    if (this.welcomed) fn();
    else this.openWaiters.push(fn);
  }

  private send(frame: Record<string, unknown>): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || !this.welcomed) return;
    socket.send(JSON.stringify(frame));
  }

  private async fetchSnapshot(jobId: string): Promise<JobSnapshot | null> {
    const f = this.opts.fetch ?? globalThis.fetch;
    const token = await this.token();
    const res = await f(`${this.httpBase()}/api/job/${encodeURIComponent(jobId)}/state`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (res.status === 404) return null; // started but not yet folded into the state
    if (!res.ok) throw new RealtimeError(`http_${res.status}`, `job state request failed: ${res.status}`);
    return (await res.json()) as JobSnapshot;
  }

  private httpBase(): string {
    if (this.opts.httpUrl) return this.opts.httpUrl.replace(/\/$/, '');
    const u = new URL(this.opts.url);
    return `${u.protocol === 'wss:' ? 'https:' : 'http:'}//${u.host}`;
  }

  private newId(prefix: string): string {
    return `${prefix}${++this.nextId}`;
  }

  private emit<K extends keyof ClientEvents>(name: K, event: ClientEvents[K]): void {
    const set = this.handlers.get(name);
    if (set) for (const h of [...set]) safely(() => h(event));
  }

  /** The user the server welcomed this client as, once connected. */
  get user(): string | null {
    return this.userId;
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    // An app handler's bug must not stop delivery to the others.
    setTimeout(() => {
      throw e;
    }, 0);
  }
}

function randomKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/** Creates a client and (unless `autoConnect: false`) starts connecting. */
export function createClient(options: ClientOptions): RealtimeClient {
  return new RealtimeClient(options);
}
