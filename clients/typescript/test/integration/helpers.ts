import { createHmac } from 'node:crypto';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { type ClientOptions, type JobEvent, MemoryStorage, type RealtimeClient, createClient } from '../../src/index.js';

const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');

/** An HS256 token as the platform verifies it (iss regen, aud regen-realtime). */
export function token(userId: string, opts: { ttlSeconds?: number; roles?: string[] } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub: userId,
    iss: 'regen',
    aud: 'regen-realtime',
    iat: now,
    exp: now + (opts.ttlSeconds ?? 3600),
    jti: `${userId}-${now}-${Math.random()}`,
  };
  if (opts.roles) payload.roles = opts.roles;
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  const sig = createHmac('sha256', Buffer.from(inject('jwtSecret'), 'utf8')).update(head).digest('base64url');
  return `${head}.${sig}`;
}

/** A unique user per test, so tests never see each other's events. */
export function user(name: string): string {
  return `${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function client(userId: string, options: Partial<ClientOptions> = {}): RealtimeClient {
  return createClient({
    url: inject('wsUrl'),
    token: token(userId),
    WebSocket: WebSocket as unknown as ClientOptions['WebSocket'],
    storage: new MemoryStorage(),
    backoff: { initialMs: 100, maxMs: 1000 },
    ...options,
  });
}

/** Every live event the client hands over, by job. */
export function recorder(c: RealtimeClient): Map<string, JobEvent[]> {
  const byJob = new Map<string, JobEvent[]>();
  c.on('*', (e) => {
    const list = byJob.get(e.jobId) ?? [];
    list.push(e);
    byJob.set(e.jobId, list);
  });
  return byJob;
}

export function finished(events: JobEvent[] | undefined): boolean {
  return !!events?.some((e) => e.type === 'job:completed:v1' || e.type === 'job:failed:v1' || e.type === 'job:cancelled:v1');
}

/** The full history of a job from the topic (REST NDJSON), for comparison. */
export async function history(jobId: string, userId: string): Promise<JobEvent[]> {
  const r = await fetch(`${inject('baseUrl')}/api/job/${jobId}/events`, { headers: { Authorization: `Bearer ${token(userId)}` } });
  if (!r.ok) throw new Error(`history ${r.status}`);
  return (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as JobEvent);
}

export function seqs(events: JobEvent[]): number[] {
  return events.map((e) => e.seq);
}

export function range(from: number, toInclusive: number): number[] {
  return Array.from({ length: toInclusive - from + 1 }, (_, i) => from + i);
}
