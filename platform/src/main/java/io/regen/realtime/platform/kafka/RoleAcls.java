package io.regen.realtime.platform.kafka;

import io.regen.realtime.schemas.Topics;
import io.regen.realtime.streams.StreamsSettings;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least each role's Kafka principal needs, and nothing more, so that a leaked gateway
 * credential cannot forge job events and a worker cannot impersonate the gateway. Each role
 * connects as the user of its name ({@code User:worker}, ...); {@code broker} and {@code admin} are
 * super users (nodes; topic provisioning and operations).
 *
 * <pre>
 * worker    write jobs.events.v1; read jobs.requests.v1, groups regen-workers-*
 * gateway   read jobs.events.v1; write jobs.requests.v1 and gateway.sessions.v1
 * streams   read the three data topics; write regen.streams.dead-letters.v1 (the processing
 *           exception handler's dead letters); everything on regen-streams* topics, groups and
 *           transactional ids (its changelogs, repartition topics and exactly-once producers)
 * registry  everything on _schemas
 * </pre>
 */
public final class RoleAcls {
  public static final String ADMIN_USER = "admin";
  public static final String WORKER_USER = "worker";
  public static final String GATEWAY_USER = "gateway";
  public static final String STREAMS_USER = "streams";
  public static final String REGISTRY_USER = "registry";

  /** The worker consumer groups' common prefix (the SDK's default). */
  static final String WORKER_GROUP_PREFIX = "regen-workers-";

  private RoleAcls() {}

  /** Every binding, for every role. */
  public static List<AclBinding> all() {
    List<AclBinding> acls = new ArrayList<>();
    String events = Topics.JOB_EVENTS.name();
    String requests = Topics.JOB_REQUESTS.name();
    String sessions = Topics.GATEWAY_SESSIONS.name();

    allow(acls, WORKER_USER, topic(events), AclOperation.WRITE, AclOperation.DESCRIBE);
    allow(acls, WORKER_USER, topic(requests), AclOperation.READ, AclOperation.DESCRIBE);
    allow(acls, WORKER_USER, prefixed(ResourceType.GROUP, WORKER_GROUP_PREFIX), AclOperation.READ);

    allow(acls, GATEWAY_USER, topic(events), AclOperation.READ, AclOperation.DESCRIBE);
    allow(acls, GATEWAY_USER, topic(requests), AclOperation.WRITE, AclOperation.DESCRIBE);
    allow(acls, GATEWAY_USER, topic(sessions), AclOperation.WRITE, AclOperation.DESCRIBE);

    for (String input : List.of(events, requests, sessions)) {
      allow(acls, STREAMS_USER, topic(input), AclOperation.READ, AclOperation.DESCRIBE);
    }
    // Without it a record a processor throws on fails its task instead of being dead-lettered.
    allow(
        acls,
        STREAMS_USER,
        topic(Topics.STREAMS_DEAD_LETTERS.name()),
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    String app = StreamsSettings.DEFAULT_APPLICATION_ID;
    allow(acls, STREAMS_USER, prefixed(ResourceType.TOPIC, app), AclOperation.ALL);
    allow(acls, STREAMS_USER, prefixed(ResourceType.GROUP, app), AclOperation.ALL);
    allow(acls, STREAMS_USER, prefixed(ResourceType.TRANSACTIONAL_ID, app), AclOperation.ALL);

    allow(acls, REGISTRY_USER, topic(Topics.SCHEMAS), AclOperation.ALL);
    return List.copyOf(acls);
  }

  /** {@code super.users} of a secured node. */
  static String superUsers() {
    return "User:" + BrokerSecurity.BROKER_USER + ";User:" + ADMIN_USER;
  }

  private static ResourcePattern topic(String name) {
    return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
  }

  private static ResourcePattern prefixed(ResourceType type, String prefix) {
    return new ResourcePattern(type, prefix, PatternType.PREFIXED);
  }

  private static void allow(
      List<AclBinding> acls, String user, ResourcePattern resource, AclOperation... operations) {
    for (AclOperation operation : operations) {
      acls.add(
          new AclBinding(
              resource,
              new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
    }
  }
}
