package io.regen.realtime.gateway.extension;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.gateway.delivery.EventDelivery;
import io.regen.realtime.gateway.testapp.EmbeddedBrokerProperties;
import io.regen.realtime.gateway.testapp.GatewayTestApplication;
import io.regen.realtime.gateway.testapp.RecordingEventDelivery;
import io.regen.realtime.gateway.testapp.TestTokens;
import io.regen.realtime.gateway.testapp.TestWebSocketClient;
import io.regen.realtime.gateway.ws.WebSocketClientSession;
import io.regen.realtime.schemas.registry.InMemorySchemaRegistryClient;
import io.regen.realtime.schemas.registry.SchemaRegistryClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

/** Frame types added by a {@link ClientFrameExtension} bean, over a real WebSocket. */
@SpringBootTest(
    classes = {
      GatewayTestApplication.class,
      EmbeddedBrokerProperties.class,
      ClientFrameExtensionIT.TestBeans.class
    },
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"regen.gateway.enabled=true", "regen.jwt.secret=" + TestTokens.SECRET})
@Timeout(120)
class ClientFrameExtensionIT {

  /** Echoes {@code echo} frames; refuses a missing {@code text}; fails on {@code boom}. */
  static final class EchoExtension implements ClientFrameExtension {
    @Override
    public Set<String> frameTypes() {
      return Set.of("echo", "boom");
    }

    @Override
    public void handle(WebSocketClientSession session, String type, String id, JsonNode frame) {
      if (type.equals("boom")) {
        throw new IllegalStateException("extension bug");
      }
      if (!frame.path("text").isString()) {
        throw new IllegalArgumentException("text is required");
      }
      session.offerControl(
          "{\"type\":\"echoed\",\"id\":\""
              + id
              + "\",\"user\":\""
              + session.userId()
              + "\",\"text\":\""
              + frame.path("text").asString()
              + "\"}");
    }
  }

  @TestConfiguration
  static class TestBeans {
    @Bean
    SchemaRegistryClient schemaRegistryClient() {
      return new InMemorySchemaRegistryClient();
    }

    @Bean
    @Primary
    EventDelivery recordingEventDelivery() {
      return new RecordingEventDelivery();
    }

    @Bean
    ClientFrameExtension echoExtension() {
      return new EchoExtension();
    }
  }

  @LocalServerPort int port;
  private final List<TestWebSocketClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(TestWebSocketClient::close);
  }

  private TestWebSocketClient open() {
    TestWebSocketClient c =
        TestWebSocketClient.connect(URI.create("ws://localhost:" + port + "/ws"));
    clients.add(c);
    return c;
  }

  private TestWebSocketClient authed(String userId) {
    TestWebSocketClient c = open();
    c.send("{\"type\":\"auth\",\"token\":\"" + TestTokens.valid(userId) + "\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("welcome");
    return c;
  }

  @Test
  void anExtensionHandlesItsFrameTypesForAuthenticatedSessions() {
    TestWebSocketClient c = authed("alice");
    c.send("{\"type\":\"echo\",\"id\":\"e1\",\"text\":\"hi\"}");
    JsonNode echoed = c.next();
    assertThat(echoed.path("type").asString()).isEqualTo("echoed");
    assertThat(echoed.path("id").asString()).isEqualTo("e1");
    assertThat(echoed.path("user").asString()).isEqualTo("alice");
    assertThat(echoed.path("text").asString()).isEqualTo("hi");
  }

  @Test
  void badFramesAndFailuresBecomeErrorsAndTheConnectionStaysOpen() {
    TestWebSocketClient c = authed("bob");
    c.send("{\"type\":\"echo\",\"id\":\"e2\"}");
    JsonNode invalid = c.next();
    assertThat(invalid.path("code").asString()).isEqualTo("invalid_frame");
    assertThat(invalid.path("message").asString()).isEqualTo("text is required");
    assertThat(invalid.path("id").asString()).isEqualTo("e2");
    c.send("{\"type\":\"boom\",\"id\":\"e3\"}");
    assertThat(c.next().path("code").asString()).isEqualTo("internal");
    c.send("{\"type\":\"still_unknown\",\"id\":\"e4\"}");
    assertThat(c.next().path("code").asString()).isEqualTo("unknown_type");
    c.send("{\"type\":\"echo\",\"id\":\"e5\",\"text\":\"ok\"}");
    assertThat(c.next().path("type").asString()).isEqualTo("echoed");
  }

  @Test
  void extensionFramesBeforeAuthCloseLikeAnyOtherFrame() {
    TestWebSocketClient c = open();
    c.send("{\"type\":\"echo\",\"id\":\"e6\",\"text\":\"hi\"}");
    assertThat(c.next().path("code").asString()).isEqualTo("unauthorized");
    assertThat(c.awaitClose(java.time.Duration.ofSeconds(10))).isEqualTo(4001);
  }
}
