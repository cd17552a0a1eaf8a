package io.regen.realtime.registry.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty refuses before the registry sees it (a malformed URI or header, a header too
 * large) in Confluent's error shape instead of an HTML page, without the exception's details.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String reason = message == null || message.isBlank() ? "HTTP " + code : message;
    byte[] bytes = RegistryApi.JSON.writeValueAsBytes(RegistryApi.error(code, reason));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, RegistryJettyHandler.CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(bytes), callback);
  }
}
