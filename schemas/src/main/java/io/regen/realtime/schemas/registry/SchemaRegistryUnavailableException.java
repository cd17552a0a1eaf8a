package io.regen.realtime.schemas.registry;

/**
 * The registry could not answer now: unreachable, timed out, or answered 5xx / 408 / 429. The
 * request may well succeed later, so callers retry (with backoff) instead of treating the subject,
 * schema or record as bad. {@link #httpStatus()} is 0 when no answer came at all.
 *
 * <p>Every other {@link SchemaRegistryException} is the registry's definitive answer (e.g. 404
 * schema not found, 409 incompatible, 422 invalid).
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

  /** The registry answered with a status that means "not now" (5xx, 408, 429). */
  public SchemaRegistryUnavailableException(int httpStatus, int errorCode, String message) {
    super(httpStatus, errorCode, message);
  }

  /** No (usable) answer: connection refused or reset, timeout, interrupted. */
  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether an HTTP status means the registry may answer differently later. */
  public static boolean isTransientStatus(int httpStatus) {
    return httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
  }
}
