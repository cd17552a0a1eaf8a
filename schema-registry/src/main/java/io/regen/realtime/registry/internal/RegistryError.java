package io.regen.realtime.registry.internal;

import io.regen.realtime.schemas.registry.SchemaRegistryException;

/**
 * A request the registry refuses, answered as Confluent does: HTTP {@code status} and a body {@code
 * {"error_code": errorCode, "message": message}}.
 */
public final class RegistryError extends RuntimeException {
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
