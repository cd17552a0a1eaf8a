/**
 * The Regen worker SDK: publish a job's events to {@code jobs.events.v1} and run jobs for requests
 * from {@code jobs.requests.v1}.
 *
 * <h2>Publishing a job's events</h2>
 *
 * <pre>{@code
 * try (RegenWorkerClient client = RegenWorkerClient.builder()
 *         .bootstrapServers("localhost:9092")
 *         .schemaRegistry("http://localhost:8081")   // or a SchemaRegistryClient instance
 *         .workerId("model-1")
 *         .build()) {
 *   JobHandle job = client.startJob(jobId, userId, "model", "summarise the report"); // seq 0
 *   job.progress(10, "thinking");                                                     // seq 1
 *   job.modelChunk("regen-small", 0, "Hello", false);                                 // seq 2
 *   job.modelChunk("regen-small", 1, " world", true);                                 // seq 3
 *   job.complete("2 chunks").join();   // waits for the acknowledgement (acks=all)
 * } catch (InvalidEventException e) {
 *   // an event broke the contract (missing id, percent outside 0-100, too large, after the end);
 *   // nothing of that event was sent
 * }
 * }</pre>
 *
 * <p>Every event gets key = userId, a random UUID as eventId, occurredAt = now, producer = the
 * worker id and the job's next seq. Every call returns a {@code CompletableFuture<Published>}
 * (partition, offset, seq) that completes when Kafka acknowledged the event.
 *
 * <h2>Running jobs for requests</h2>
 *
 * <pre>{@code
 * RegenWorkerClient client = RegenWorkerClient.builder()
 *     .bootstrapServers("localhost:9092")
 *     .schemaRegistry("http://localhost:8081")
 *     .workerId("model-1")
 *     .concurrency(4)
 *     .build();
 * RequestLoop loop = client.handleRequests("model", context -> {
 *   JobHandle job = context.job();                 // job:started:v1 is already published
 *   String prompt = context.request().getInput().getOrDefault("prompt", "");
 *   for (int i = 0; i < 10; i++) {
 *     if (context.awaitCancellation(Duration.ofMillis(50))) {
 *       return;                                     // the SDK publishes job:cancelled:v1
 *     }
 *     job.modelChunk("regen-small", i, "token" + i + " ", i == 9);
 *     job.progress((i + 1) * 10, "streaming");
 *   }
 *   job.complete("10 chunks for: " + prompt);
 * });
 * // ... on shutdown:
 * client.close();   // closes the loop (drains running jobs), then the producer
 * }</pre>
 *
 * <p>A request loop reads with one consumer group per job type ({@code regen-workers-<jobType>}),
 * runs jobs on its own threads, commits a request only once its job finished (at-least-once), skips
 * duplicate requests (same jobId, or same userId and idempotencyKey, also across a restart of the
 * worker, see {@link io.regen.realtime.sdk.RegenWorkerClient#handleRequests}), delivers CANCEL
 * requests to the running job ({@link io.regen.realtime.sdk.JobContext#isCancelled()}) and skips
 * undecodable records. See {@link io.regen.realtime.sdk.JobRequestHandler} for how a job ends when
 * the handler returns, throws or is cancelled.
 */
package io.regen.realtime.sdk;
