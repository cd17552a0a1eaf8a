package io.regen.realtime.gateway.extension;

import io.regen.realtime.gateway.ws.WebSocketClientSession;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Frame types added to protocol v1 by a part of the application outside the gateway (for example
 * the {@code up}-only live metrics push). The gateway hands an authenticated session's frame of one
 * of {@link #frameTypes()} to {@link #handle}; frames it knows itself never reach an extension.
 *
 * <p>Contract: {@code handle} runs on the connection's message thread, must return quickly, must
 * reply (if at all) through {@link WebSocketClientSession#offerControl}, and reports a bad frame by
 * throwing {@link IllegalArgumentException}, whose message the gateway sends as an {@code
 * invalid_frame} error. Any other exception becomes an {@code internal} error; the connection stays
 * open either way.
 */
public interface ClientFrameExtension {

  /** The frame {@code type}s this extension handles. */
  Set<String> frameTypes();

  /**
   * Handles one frame.
   *
   * @param session the authenticated session that sent it
   * @param type the frame's {@code type}, one of {@link #frameTypes()}
   * @param id the frame's correlation id, or null
   * @param frame the whole frame
   */
  void handle(WebSocketClientSession session, String type, String id, JsonNode frame);
}
