package io.regen.realtime.gateway.protocol;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A parsed client frame: a JSON object with a string {@code type} and an optional correlation
 * {@code id} (a string, or a number taken as its text). Field accessors validate types and sizes
 * and throw {@link InvalidFrameException}, which becomes an {@code invalid_frame} error.
 */
public final class ClientFrame {
  private static final int MAX_ID = 128;
  private static final int MAX_TYPE = 64;

  private final JsonNode body;
  private final String type;
  private final String id;

  private ClientFrame(JsonNode body, String type, String id) {
    this.body = body;
    this.type = type;
    this.id = id;
  }

  public static ClientFrame parse(ObjectMapper json, String text) {
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JacksonException e) {
      throw new InvalidFrameException(null, "malformed JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidFrameException(null, "a frame must be a JSON object");
    }
    String id = null;
    JsonNode idNode = root.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (idNode.isString() && idNode.stringValue().length() <= MAX_ID) {
        id = idNode.stringValue();
      } else if (idNode.isIntegralNumber() && idNode.canConvertToLong()) {
        id = Long.toString(idNode.longValue());
      } else {
        throw new InvalidFrameException(null, "id must be a string of at most 128 characters");
      }
    }
    JsonNode typeNode = root.get("type");
    if (typeNode == null
        || !typeNode.isString()
        || typeNode.stringValue().isEmpty()
        || typeNode.stringValue().length() > MAX_TYPE) {
      throw new InvalidFrameException(id, "type must be a non-empty string");
    }
    return new ClientFrame(root, typeNode.stringValue(), id);
  }

  public String type() {
    return type;
  }

  public String id() {
    return id;
  }

  public JsonNode body() {
    return body;
  }

  /** A string field that must be present and non-empty. */
  public String requiredString(String field, int maxLength) {
    String value = optionalString(field, maxLength);
    if (value == null || value.isEmpty()) {
      throw new InvalidFrameException(id, field + " is required");
    }
    return value;
  }

  /** A string field, null when absent or null. */
  public String optionalString(String field, int maxLength) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isString()) {
      throw new InvalidFrameException(id, field + " must be a string");
    }
    if (node.stringValue().length() > maxLength) {
      throw new InvalidFrameException(id, field + " is longer than " + maxLength + " characters");
    }
    return node.stringValue();
  }

  /** A non-negative integer field, 0 when absent. */
  public long optionalNonNegativeLong(String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      throw new InvalidFrameException(id, field + " must be a non-negative integer");
    }
    return node.longValue();
  }

  /** A frame that is not valid protocol v1. */
  public static final class InvalidFrameException extends RuntimeException {
    private final String id;

    public InvalidFrameException(String id, String message) {
      super(message, null, false, false);
      this.id = id;
    }

    public String id() {
      return id;
    }
  }
}
