package io.regen.realtime.auth;

/**
 * The JSON body of every REST error of the platform (gateway and query API): a machine-readable
 * {@code error} code ({@code unauthorized}, {@code forbidden}, {@code not_found}, ...) and a {@code
 * message} for humans, which never contains a token.
 */
public record ErrorBody(String error, String message) {}
