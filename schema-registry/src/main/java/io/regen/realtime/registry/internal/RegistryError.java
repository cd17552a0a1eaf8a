package io.regen.realtime.registry.internal;

import io.regen.realtime.schemas.registry.SchemaRegistryException;

/**
 * A request the registry refuses, answered as Confluent does: HTTP {@code status} and a body {@code
 * {"error_code": errorCode, "message": message}}.
 */
public final class RegistryError extends RuntimeException {
  /** Confluent's "operation not permitted" (42205): here, a cap reached. */
  public static final int OPERATION_NOT_PERMITTED = 42205;

  /** Confluent's error code for a missing or wrong credential (with HTTP 401). */
  public static final int UNAUTHORIZED = 401;

  /** Confluent's "user is denied operation" (40301, with HTTP 403). */
  public static final int FORBIDDEN = 40301;

  /** The registry is at capacity (HTTP 503); the client should retry. */
  public static final int OVERLOADED = 50301;

  private final int status;
  private final int errorCode;

  public RegistryError(int status, int errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  public RegistryError(int status, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }

  static RegistryError subjectNotFound(String subject) {
    return new RegistryError(
        404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  static RegistryError versionNotFound(int version) {
    return new RegistryError(
        404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
  }

  static RegistryError schemaNotFound(String detail) {
    return new RegistryError(404, SchemaRegistryException.SCHEMA_NOT_FOUND, detail);
  }

  static RegistryError storeError(String message, Throwable cause) {
    return new RegistryError(500, SchemaRegistryException.STORE_ERROR, message, cause);
  }

  static RegistryError timeout(String message) {
    return new RegistryError(500, SchemaRegistryException.OPERATION_TIMEOUT, message);
  }
}
