package io.regen.realtime.gateway.jobs;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Validates the fields of a {@code start_job} frame or a {@code POST /api/jobs} body. The input is
 * bounded in entries and bytes; string values are kept, other JSON values are kept as their JSON
 * text (the worker-facing {@code JobRequest.input} is a string map).
 */
public final class StartJobParser {
  private static final Pattern JOB_TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
  public static final int MAX_IDEMPOTENCY_KEY = 128;

  private final int maxInputBytes;
  private final int maxInputEntries;

  public StartJobParser(int maxInputBytes, int maxInputEntries) {
    this.maxInputBytes = maxInputBytes;
    this.maxInputEntries = maxInputEntries;
  }

  public StartJob parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw invalid("body must be a JSON object");
    }
    JsonNode type = body.get("jobType");
    if (type == null || !type.isString() || !JOB_TYPE.matcher(type.stringValue()).matches()) {
      throw invalid("jobType must be a lower-case name such as \"model\" or \"research\"");
    }
    String key = null;
    JsonNode keyNode = body.get("idempotencyKey");
    if (keyNode != null && !keyNode.isNull()) {
      if (!keyNode.isString()
          || keyNode.stringValue().isEmpty()
          || keyNode.stringValue().length() > MAX_IDEMPOTENCY_KEY) {
        throw invalid("idempotencyKey must be a non-empty string of at most 128 characters");
      }
      key = keyNode.stringValue();
    }
    return new StartJob(type.stringValue(), input(body.get("input")), key);
  }

  private Map<String, String> input(JsonNode input) {
    Map<String, String> values = new LinkedHashMap<>();
    if (input == null || input.isNull()) {
      return values;
    }
    if (!input.isObject()) {
      throw invalid("input must be a JSON object");
    }
    if (input.size() > maxInputEntries) {
      throw invalid("input has more than " + maxInputEntries + " entries");
    }
    long bytes = 0;
    for (Map.Entry<String, JsonNode> e : input.properties()) {
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      String value = v.isString() ? v.stringValue() : v.toString();
      bytes +=
          e.getKey().getBytes(StandardCharsets.UTF_8).length
              + value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxInputBytes) {
        throw invalid("input is larger than " + maxInputBytes + " bytes");
      }
      values.put(e.getKey(), value);
    }
    return values;
  }

  private static JobCommandException invalid(String message) {
    return new JobCommandException(JobCommandException.INVALID, message);
  }
}
