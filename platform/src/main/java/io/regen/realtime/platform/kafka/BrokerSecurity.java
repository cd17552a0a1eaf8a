package io.regen.realtime.platform.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * How a node authenticates and authorizes: {@link #NONE} (PLAINTEXT, no authorizer: a laptop), or
 * SASL with SCRAM-SHA-512 on the client listener, PLAIN between controllers, the {@code
 * StandardAuthorizer} and the per-role ACLs of {@link RoleAcls}.
 *
 * <p>The users are a properties file, {@code user=password} per line, and must include {@link
 * #BROKER_USER} (the nodes' own identity, a super user, also the controllers' PLAIN credential).
 * Their SCRAM credentials are written into the cluster metadata when the storage is formatted (so
 * brokers can authenticate to each other before any metadata exists); users added later are created
 * with {@code Admin.alterUserScramCredentials} or {@code kafka-configs.sh --alter --add-config
 * 'SCRAM-SHA-512=[password=...]' --entity-type users --entity-name <user>}.
 *
 * @param users user name to password; empty means security off
 */
public record BrokerSecurity(Map<String, String> users) {
  public static final BrokerSecurity NONE = new BrokerSecurity(Map.of());

  /** The SCRAM mechanism clients and brokers use on the client listener. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  /** The nodes' own principal (inter-broker and controller traffic); a super user. */
  public static final String BROKER_USER = "broker";

  public BrokerSecurity {
    users = Map.copyOf(users);
    if (!users.isEmpty() && !users.containsKey(BROKER_USER)) {
      throw new IllegalArgumentException(
          "the SASL users must include '" + BROKER_USER + "' (the brokers' own credential)");
    }
    users.forEach(
        (user, password) -> {
          if (!user.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(
                "SASL user names may use letters, digits, '.', '_' and '-' only: '" + user + "'");
          }
          if (password.isEmpty() || password.contains("\"") || password.contains("\\")) {
            throw new IllegalArgumentException(
                "the password of SASL user '" + user + "' is empty or contains '\"' or '\\'");
          }
        });
  }

  /** Reads a {@code user=password} properties file. */
  public static BrokerSecurity fromUsersFile(Path file) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the SASL users file " + file, e);
    }
    Map<String, String> users = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(u -> users.put(u, properties.getProperty(u).strip()));
    if (users.isEmpty()) {
      throw new IllegalArgumentException("the SASL users file " + file + " defines no user");
    }
    try {
      return new BrokerSecurity(users);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public boolean enabled() {
    return !users.isEmpty();
  }

  /** {@code sasl.jaas.config} for a SCRAM client logging in as {@code user}. */
  public String scramJaasConfig(String user) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password(user)
        + "\";";
  }

  /** The password of {@code user}. */
  public String password(String user) {
    String password = users.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no SASL user '" + user + "'");
    }
    return password;
  }

  @Override
  public String toString() {
    // Never print passwords.
    return "BrokerSecurity" + users.keySet();
  }
}
