package io.regen.realtime.platform.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.app.AppProperties;
import io.regen.realtime.platform.app.AppProperties.Endpoints;
import io.regen.realtime.platform.app.AppProperties.Mode;
import io.regen.realtime.platform.config.RegenEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The dev sign-in exists in {@code up} only, with exactly the properties the launcher sets. */
class DemoAutoConfigurationTest {
  private static final Endpoints ENDPOINTS =
      new Endpoints("localhost:9092", "http://localhost:8081", 8080, "s".repeat(40), "node-a");

  private static WebApplicationContextRunner runner(Mode mode) {
    Map<String, Object> props = AppProperties.of(mode, new RegenEnvironment(Map.of()), ENDPOINTS);
    String[] pairs =
        props.entrySet().stream()
            // The gateway and Streams themselves are not under test here.
            .filter(e -> !e.getKey().matches("regen\\.(gateway|streams)\\.enabled"))
            .map(e -> e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(DemoAutoConfiguration.class))
        .withPropertyValues(pairs);
  }

  @Test
  void upHasTheDevSignIn() {
    runner(Mode.UP).run(ctx -> assertThat(ctx).hasSingleBean(DevSignInController.class));
  }

  @Test
  void theGatewayRoleAloneHasNoDevSignIn() {
    runner(Mode.GATEWAY)
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              assertThat(ctx).doesNotHaveBean(DevSignInController.class);
              assertThat(ctx).doesNotHaveBean(LiveMetricsPush.class);
            });
  }

  @Test
  void theStreamsRoleHasNoDevSignIn() {
    runner(Mode.STREAMS).run(ctx -> assertThat(ctx).doesNotHaveBean(DevSignInController.class));
  }

  @Test
  void noMetricsPushWithoutAGateway() {
    runner(Mode.UP).run(ctx -> assertThat(ctx).doesNotHaveBean(LiveMetricsPush.class));
  }
}
