import type { JobEvent } from './generated/events.js';

/** Protocol v1 server frames (docs/protocol.md). Unknown fields and frame types are ignored. */
export type ServerFrame =
  | { type: 'welcome'; userId: string; sessionId: string; cursor: string | null; resumed: boolean; heartbeatMs: number }
  | { type: 'reauthed'; id?: string; expiresAt: number }
  | { type: 'event'; cursor: string; replay?: string; event: JobEvent }
  | { type: 'replay_end'; id: string; jobId: string; count: number }
  | { type: 'ack'; id: string; jobId: string }
  | { type: 'error'; id?: string; code: string; message: string; retryAfterMs?: number }
  | { type: 'token_expiring'; inMs: number }
  | { type: 'pong'; id?: string }
  | ({ type: 'metrics' } & LiveMetrics)
  | { type: 'metrics_subscribed'; id?: string; intervalMs: number };

/** The live-metrics push (`subscribe_metrics`), about once a second. */
export interface LiveMetrics {
  /** Server time of the sample, epoch ms. */
  at: number;
  /** Open WebSocket connections on the node. */
  connections: number;
  /** Connected distinct users on the node. */
  users: number;
  /** Delivery latency (event written → frame queued) over the last interval, ms; null: no events. */
  deliveryLatencyMs: { mean: number | null; max: number | null; count: number };
  /** Jobs of today (UTC) by outcome; null until the analytics stores answer. */
  jobs: { started: number; completed: number; failed: number; cancelled: number; running: number } | null;
  /** Distinct active users today (UTC); null until the analytics stores answer. */
  dau: number | null;
}

/** Close codes the client does not retry after (docs/protocol.md "Close codes"). */
export const TERMINAL_CLOSE_CODES: Readonly<Record<number, string>> = {
  4001: 'authentication failed: get a valid token, then connect again',
  4003: 'forbidden: a token of another user was sent on this connection',
};

/**
 * Close code of a draining gateway (deploy, SIGTERM): reconnect at once, without back-off, with the
 * last cursor; the back-off applies again only if that attempt fails.
 */
export const RECONNECT_NOW_CLOSE = 4012;

/** An `error` frame as a rejected promise's reason. */
export class RealtimeError extends Error {
  constructor(readonly code: string, message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'RealtimeError';
  }
}
