package io.regen.realtime.gateway.jobs;

import io.regen.realtime.events.JobRequest;
import io.regen.realtime.schemas.Topics;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link JobRequest}s to {@code jobs.requests.v1}, keyed by jobId so a job's start and
 * cancel stay in order. The future completes when the broker has acknowledged the record
 * (acks=all).
 */
public final class JobRequestPublisher implements AutoCloseable {
  private final Producer<String, JobRequest> producer;

  public JobRequestPublisher(Producer<String, JobRequest> producer) {
    this.producer = producer;
  }

  public CompletableFuture<Void> publish(JobRequest request) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(Topics.JOB_REQUESTS.name(), request.getJobId(), request),
          (metadata, error) -> {
            if (error == null) {
              done.complete(null);
            } else {
              done.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
