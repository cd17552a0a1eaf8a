import type { JobEvent } from './generated/events.js';
import type { RealtimeError } from './protocol.js';

/** `GET /api/job/{id}/state` (docs/queries.md): the fields a view renders. */
export interface JobSnapshot {
  jobId: string;
  userId: string;
  jobType: string;
  status: string;
  progressPercent: number;
  progressMessage: string;
  /** The last event (seq) the snapshot holds; the view continues with lastSeq + 1. */
  lastSeq: number;
  /** The run of the job the snapshot follows (absent from servers before schema v2: 1). */
  attempt?: number;
  model: string | null;
  responseSoFar: string;
  researchSteps: Array<{ step: number; title: string; url: string | null; summary: string }>;
  resultSummary: string | null;
  error: { code: string; message: string; retryable: boolean } | null;
  position: { partition: number; offset: number; cursor: string } | null;
  [field: string]: unknown;
}

export interface TrackerPorts {
  fetchSnapshot(): Promise<JobSnapshot | null>;
  requestReplay(fromSeq: number, id: string): void;
  newId(): string;
  /** The job was run again by a worker: the view restarts with attempt `attempt` from seq 0. */
  onRestart?(attempt: number): void;
}

/**
 * One `openJob` view: snapshot first, then the job's events strictly after the snapshot, in
 * (attempt, seq) order, each once. Live events that arrive while the snapshot or a catch-up replay
 * is under way wait in a buffer; a gap in live seqs (missed while disconnected) is filled from the
 * topic. A newer attempt (a worker ran the job again from seq 0) restarts the view: `onRestart`,
 * then its events from seq 0; events of an older attempt are dropped.
 */
export class JobTracker {
  private phase: 'snapshot' | 'replaying' | 'live' = 'snapshot';
  private lastSeq = -1;
  private attempt = 1;
  private replayId: string | null = null;
  private buffer: JobEvent[] = [];

  constructor(
    readonly jobId: string,
    private readonly onEvent: (event: JobEvent) => void,
    private readonly ports: TrackerPorts,
  ) {}

  async start(): Promise<JobSnapshot | null> {
    try {
      const snapshot = await this.ports.fetchSnapshot();
      if (snapshot) {
        this.lastSeq = snapshot.lastSeq;
        this.attempt = snapshot.attempt ?? 1;
      }
      return snapshot;
    } finally {
      // Even without a snapshot the topic has the whole history: the view is complete either way.
      this.catchUp();
    }
  }

  liveEvent(event: JobEvent): void {
    if (event.jobId !== this.jobId) return;
    if (this.phase !== 'live') {
      this.buffer.push(event);
    } else if (this.isGap(event)) {
      this.buffer.push(event);
      this.catchUp();
    } else {
      this.deliver(event);
    }
  }

  replayEvent(replayId: string, event: JobEvent): void {
    if (replayId === this.replayId) this.deliver(event);
  }

  replayEnded(replayId: string): void {
    if (replayId !== this.replayId) return;
    this.replayId = null;
    this.phase = 'live';
    const waiting = this.buffer.sort((a, b) => attemptOf(a) - attemptOf(b) || a.seq - b.seq);
    this.buffer = [];
    for (const e of waiting) this.deliver(e);
  }

  /** The replay could not run (e.g. the job is too new to be indexed): go live with what is buffered. */
  replayFailed(replayId: string, _error: RealtimeError): boolean {
    if (replayId !== this.replayId) return false;
    this.replayEnded(replayId);
    return true;
  }

  /** A new connection: a replay in flight died with the old one; a failed resume may have left a gap. */
  reconnected(resumeFailed: boolean): void {
    if (this.phase === 'replaying' || (this.phase === 'live' && resumeFailed)) this.catchUp();
  }

  private catchUp(): void {
    this.phase = 'replaying';
    this.replayId = this.ports.newId();
    this.ports.requestReplay(this.lastSeq + 1, this.replayId);
  }

  /** Events between the last delivered one and this are missing (seqs count from 0 per attempt). */
  private isGap(event: JobEvent): boolean {
    const attempt = attemptOf(event);
    if (attempt > this.attempt) return event.seq > 0;
    return attempt === this.attempt && event.seq > this.lastSeq + 1;
  }

  private deliver(event: JobEvent): void {
    const attempt = attemptOf(event);
    if (attempt < this.attempt) return; // a superseded run
    if (attempt > this.attempt) {
      this.attempt = attempt;
      this.lastSeq = -1;
      this.ports.onRestart?.(attempt);
    }
    if (event.seq <= this.lastSeq) return; // in the snapshot, or already delivered
    this.lastSeq = event.seq;
    this.onEvent(event);
  }
}

function attemptOf(event: JobEvent): number {
  return typeof event.attempt === 'number' ? event.attempt : 1;
}
