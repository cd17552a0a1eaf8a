package io.regen.realtime.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.testing.PromQl;
import io.regen.realtime.platform.testing.Promtool;
import io.regen.realtime.platform.testing.RepositoryFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code runbooks/alerts.yml}: valid for Prometheus ({@code promtool check rules}), every alert of
 * the issue there, each linking a runbook page that exists. (That every metric it reads exists is
 * checked against a running {@code up} in {@code UpOperationsIT}.)
 */
class AlertRulesTest {
  static final Path ALERTS = RepositoryFiles.resolve("runbooks/alerts.yml");

  /** Every alert rule of the file, as parsed YAML maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules() throws Exception {
    Map<String, Object> file = new Yaml().load(Files.readString(ALERTS));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      rules.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return rules;
  }

  /** The metric names the alert rules read. */
  static Set<String> metrics() throws Exception {
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> rule : rules()) {
      names.addAll(PromQl.metricNames(rule.get("expr").toString()));
    }
    return names;
  }

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    Promtool.Result result = Promtool.checkRules(ALERTS);
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + rules().size() + " rules found");
  }

  @Test
  void everyAlertOfTheIssueIsThere() throws Exception {
    assertThat(rules())
        .extracting(r -> r.get("alert"))
        .contains(
            "RegenDeliveryLatencyHigh",
            "RegenGatewayConsumerLag",
            "RegenStreamsConsumerLag",
            "RegenQuery503Rate",
            "RegenSlowClientsClosed",
            "RegenSchemaRegistryErrors",
            "RegenUnderReplicatedPartitions",
            "RegenNoLiveStreamThreads",
            "RegenPresenceDegraded");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertLinksARunbookThatExistsAndNamesTheAlert() throws Exception {
    for (Map<String, Object> rule : rules()) {
      Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
      String link = (String) annotations.get("runbook_url");
      assertThat(link).as("runbook_url of %s", rule.get("alert")).startsWith("runbooks/");
      Path page = RepositoryFiles.resolve(link);
      assertThat(page).as("runbook of %s", rule.get("alert")).isRegularFile();
      assertThat(Files.readString(page))
          .as("%s mentions the alert it is linked from", link)
          .contains((String) rule.get("alert"));
    }
  }

  @Test
  void metricNamesAreReadFromExpressions() throws Exception {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(delivery_latency_seconds_bucket{a=\"b\"}[5m])))"
                    + " > 0.5 or max(x_total) == 0"))
        .containsExactly("delivery_latency_seconds_bucket", "x_total");
    assertThat(metrics())
        .contains("regen_kafka_under_replicated_partitions", "regen_presence_available");
  }
}
