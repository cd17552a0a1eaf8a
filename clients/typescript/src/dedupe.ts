/**
 * Remembers which (jobId, attempt, seq) triples were handed to the app, so an event the log holds
 * twice (a non-idempotent producer's retry) reaches the app once, and follows each job's latest
 * attempt: a worker that runs a job again starts at seq 0 with a higher `attempt`, and events of an
 * older attempt arriving after that are dropped (counted as `stale`). Bounded: the least recently
 * active jobs are forgotten first.
 */
export type Verdict =
  /** First time seen, same attempt as before. */
  | 'new'
  /** First event of a newer attempt: the job restarted; earlier seqs no longer apply. */
  | 'restart'
  /** This (attempt, seq) was handed over already. */
  | 'repeat'
  /** Of an older attempt than the job's latest. */
  | 'stale';

interface JobSeen {
  attempt: number;
  seqs: Set<number>;
}

export class SeqDeduper {
  private readonly seen = new Map<string, JobSeen>();
  private dropped = 0;
  private staleDropped = 0;

  constructor(private readonly maxJobs = 1000, private readonly maxSeqsPerJob = 100_000) {}

  /** True the first time (jobId, seq) of the job's latest attempt is offered; see {@link verdict}. */
  firstTime(jobId: string, seq: number, attempt = 1): boolean {
    const v = this.verdict(jobId, seq, attempt);
    return v === 'new' || v === 'restart';
  }

  /** What to do with the event (jobId, attempt, seq); repeats and stale events are counted. */
  verdict(jobId: string, seq: number, attempt = 1): Verdict {
    let job = this.seen.get(jobId);
    if (job) {
      this.seen.delete(jobId); // re-insert: Map order is the recency order
    } else {
      job = { attempt, seqs: new Set() };
      if (this.seen.size >= this.maxJobs) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
      }
    }
    this.seen.set(jobId, job);
    if (attempt < job.attempt) {
      this.staleDropped++;
      return 'stale';
    }
    let restarted = false;
    if (attempt > job.attempt) {
      job.attempt = attempt;
      job.seqs.clear();
      restarted = true;
    }
    if (job.seqs.has(seq)) {
      this.dropped++;
      return 'repeat';
    }
    if (job.seqs.size >= this.maxSeqsPerJob) job.seqs.clear();
    job.seqs.add(seq);
    return restarted ? 'restart' : 'new';
  }

  /** How many repeats were dropped since the client started. */
  get duplicates(): number {
    return this.dropped;
  }

  /** How many events of an older attempt than their job's latest were dropped. */
  get stale(): number {
    return this.staleDropped;
  }
}
