package io.regen.realtime.gateway.auth;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Outermost Jetty handler: moves an {@code access_token} query parameter into a request attribute
 * and hands the rest of the server a URI without it. Servlets, Spring, the WebSocket upgrade and
 * session URIs therefore never carry the token.
 */
public final class AccessTokenHidingHandler extends Handler.Wrapper {

  public AccessTokenHidingHandler(Handler next) {
    super(next);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String query = request.getHttpURI().getQuery();
    if (!AccessTokenQueryParameter.present(query)) {
      return super.handle(request, response, callback);
    }
    String token = AccessTokenQueryParameter.find(query);
    if (token == null) {
      return super.handle(request, response, callback);
    }
    HttpURI stripped =
        HttpURI.build(request.getHttpURI())
            .query(AccessTokenQueryParameter.strip(query))
            .asImmutable();
    Request hidden =
        new Request.Wrapper(request) {
          @Override
          public HttpURI getHttpURI() {
            return stripped;
          }
        };
    hidden.setAttribute(AccessTokenQueryParameter.ATTRIBUTE, token);
    return super.handle(hidden, response, callback);
  }
}
