package io.regen.realtime.query.api;

/**
 * Body of every error answer: a machine-readable {@code error} (bad_request, unauthorized,
 * forbidden, not_found, or a 503 reason such as owner_unreachable / position_not_reached) and a
 * message for humans.
 */
public record ErrorBody(String error, String message) {}
