package io.regen.realtime.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

class JettyThreadPoolCustomizerTest {

  private static QueuedThreadPool bootDefaults() {
    return new QueuedThreadPool(200, 8, 60_000); // what Spring Boot builds without properties
  }

  @Test
  void withoutPropertiesThePoolIsBoundedAndShrinksAtOnceAfterABurst() {
    Server server = new Server(bootDefaults());
    new JettyThreadPoolCustomizer(name -> false).customizeServer(server);
    QueuedThreadPool pool = (QueuedThreadPool) server.getThreadPool();
    assertThat(pool.getMaxThreads()).isEqualTo(JettyThreadPoolCustomizer.DEFAULT_MAX);
    assertThat(pool.getMinThreads()).isEqualTo(JettyThreadPoolCustomizer.DEFAULT_MIN);
    assertThat(pool.getIdleTimeout())
        .isEqualTo((int) JettyThreadPoolCustomizer.DEFAULT_IDLE_TIMEOUT.toMillis());
    assertThat(pool.getMaxEvictCount()).isEqualTo(JettyThreadPoolCustomizer.DEFAULT_MAX);
  }

  @Test
  void springBootsOwnThreadPropertiesWinEachOnItsOwn() {
    QueuedThreadPool configured = new QueuedThreadPool(300, 20, 5_000);
    Server server = new Server(configured);
    Set<String> set = Set.of(JettyThreadPoolCustomizer.MAX, JettyThreadPoolCustomizer.MIN);
    new JettyThreadPoolCustomizer(set::contains).customizeServer(server);
    assertThat(configured.getMaxThreads()).isEqualTo(300);
    assertThat(configured.getMinThreads()).isEqualTo(20);
    assertThat(configured.getIdleTimeout())
        .as("not set: the gateway's default")
        .isEqualTo((int) JettyThreadPoolCustomizer.DEFAULT_IDLE_TIMEOUT.toMillis());
    assertThat(configured.getMaxEvictCount()).isEqualTo(300);
  }

  @Test
  void anOperatorsSmallMaximumCapsTheGatewaysDefaultMinimum() {
    QueuedThreadPool pool = new QueuedThreadPool(4, 2, 60_000);
    Server server = new Server(pool);
    new JettyThreadPoolCustomizer(JettyThreadPoolCustomizer.MAX::equals).customizeServer(server);
    assertThat(pool.getMaxThreads()).isEqualTo(4);
    assertThat(pool.getMinThreads()).isEqualTo(4);
  }
}
