package io.regen.realtime.gateway.http;

/** The JSON body of every REST error: {@code {"error":"<code>","message":"<human text>"}}. */
public record ApiError(String error, String message) {}
