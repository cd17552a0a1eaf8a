package io.regen.realtime.platform.faults;

import io.regen.realtime.sdk.JobHandle;
import io.regen.realtime.sdk.RegenWorkerClient;
import io.regen.realtime.sdk.RequestLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A worker process for fault tests ({@code java ... PacedWorkerMain <bootstrap> <registryUrl>
 * <instanceId>}): handles job type {@value #JOB_TYPE} through the worker SDK's request loop, one
 * chunk {@code "a<attempt>-c<i> "} per {@value #CHUNK_PAUSE_MS} ms, {@value #CHUNKS} chunks, then
 * completes. The pause stands for the work a real model does; it is what gives a test the time to
 * kill the process mid-job. Prints {@code ready} once its request partitions are assigned. A
 * replacement started with the same instance id takes the killed one's partitions at once (static
 * membership), without waiting out its session.
 */
public final class PacedWorkerMain {
  static final String JOB_TYPE = "paced";
  static final int CHUNKS = 30;
  static final long CHUNK_PAUSE_MS = 150;

  private PacedWorkerMain() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String registry = args[1];
    String instanceId = args[2];
    RegenWorkerClient client =
        RegenWorkerClient.builder()
            .bootstrapServers(bootstrap)
            .schemaRegistry(registry)
            .workerId(instanceId + "-" + ProcessHandle.current().pid())
            .lingerMs(0)
            .consumerProperty("group.instance.id", instanceId)
            .consumerProperty("session.timeout.ms", 6000)
            .build();
    RequestLoop loop =
        client.handleRequests(
            JOB_TYPE,
            ctx -> {
              JobHandle job = ctx.job();
              for (int i = 0; i < CHUNKS && !ctx.isCancelled(); i++) {
                job.modelChunk("paced", i, "a" + job.attempt() + "-c" + i + " ", false)
                    .get(30, TimeUnit.SECONDS);
                ctx.awaitCancellation(Duration.ofMillis(CHUNK_PAUSE_MS));
              }
              job.complete("attempt " + job.attempt());
            });
    Runtime.getRuntime().addShutdownHook(new Thread(client::close));
    while (!loop.isAssigned()) {
      Thread.sleep(50);
    }
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }
}
