/**
 * Remembers which (jobId, seq) pairs were handed to the app, so an event the log holds twice (a
 * non-idempotent producer's retry) reaches the app once. Bounded: the least recently active jobs
 * are forgotten first.
 */
export class SeqDeduper {
  private readonly seen = new Map<string, Set<number>>();
  private dropped = 0;

  constructor(private readonly maxJobs = 1000, private readonly maxSeqsPerJob = 100_000) {}

  /** True the first time (jobId, seq) is offered, false (and counted) on every repeat. */
  firstTime(jobId: string, seq: number): boolean {
    let seqs = this.seen.get(jobId);
    if (seqs) {
      this.seen.delete(jobId); // re-insert: Map order is the recency order
    } else {
      seqs = new Set();
      if (this.seen.size >= this.maxJobs) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
      }
    }
    this.seen.set(jobId, seqs);
    if (seqs.has(seq)) {
      this.dropped++;
      return false;
    }
    if (seqs.size >= this.maxSeqsPerJob) seqs.clear();
    seqs.add(seq);
    return true;
  }

  /** How many repeats were dropped since the client started. */
  get duplicates(): number {
    return this.dropped;
  }
}
