import type { WebSocketLike } from '../../src/client.js';

/** A scripted in-memory WebSocket: the test plays the server. */
export class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  static get last(): FakeSocket {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  // --- server side ---
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  welcome(resumed = false, cursor: string | null = 'v1.0.0'): void {
    this.receive({ type: 'welcome', userId: 'alice', sessionId: 's', cursor, resumed, heartbeatMs: 25000 });
  }

  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  sentOfType(type: string): Array<Record<string, unknown>> {
    return this.sent.filter((f) => f.type === type);
  }
}

/** An event frame of attempt 1 (no `attempt` field, as a gateway before schema v2 sends). */
export function event(jobId: string, seq: number, cursor: string, type = 'model:chunk:v1', data: unknown = { model: 'm', index: seq, text: `t${seq} `, final: false }) {
  return {
    type: 'event',
    cursor,
    event: { type, eventId: `${jobId}-${seq}`, jobId, seq, occurredAt: '2026-12-01T00:00:00Z', data },
  };
}

/** An event frame of the given attempt (a worker's re-run of the job, from seq 0 again). */
export function eventOfAttempt(jobId: string, attempt: number, seq: number, cursor: string) {
  const frame = event(jobId, seq, cursor);
  return { ...frame, event: { ...frame.event, eventId: `${jobId}-${attempt}-${seq}`, attempt } };
}
