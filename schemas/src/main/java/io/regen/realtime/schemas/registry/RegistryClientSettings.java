package io.regen.realtime.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How {@link HttpSchemaRegistryClient} reaches a secured registry: HTTP Basic credentials and TLS
 * trust/key material, with Confluent's names ({@code basic.auth.user.info}, {@code
 * schema.registry.ssl.*}) as environment variables.
 *
 * @param basicAuthUserInfo {@code user:password}, sent as HTTP Basic on every request; empty: none
 * @param sslContext the TLS context for {@code https://} registries; empty: the JVM's default
 *     (system trust store)
 * @param connectTimeout giving up on connecting after this long
 * @param requestTimeout giving up on a whole request after this long
 */
public record RegistryClientSettings(
    Optional<String> basicAuthUserInfo,
    Optional<SSLContext> sslContext,
    Duration connectTimeout,
    Duration requestTimeout) {

  public static final String BASIC_AUTH_USER_INFO = "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";
  public static final String TRUSTSTORE_LOCATION = "SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION";
  public static final String TRUSTSTORE_PASSWORD = "SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD";
  public static final String TRUSTSTORE_TYPE = "SCHEMA_REGISTRY_SSL_TRUSTSTORE_TYPE";
  public static final String KEYSTORE_LOCATION = "SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION";
  public static final String KEYSTORE_PASSWORD = "SCHEMA_REGISTRY_SSL_KEYSTORE_PASSWORD";
  public static final String KEYSTORE_TYPE = "SCHEMA_REGISTRY_SSL_KEYSTORE_TYPE";
  public static final String KEY_PASSWORD = "SCHEMA_REGISTRY_SSL_KEY_PASSWORD";

  /** No credentials, the JVM's TLS defaults, the client's default timeouts. */
  public static final RegistryClientSettings DEFAULT =
      new RegistryClientSettings(
          Optional.empty(),
          Optional.empty(),
          HttpSchemaRegistryClient.DEFAULT_CONNECT_TIMEOUT,
          HttpSchemaRegistryClient.DEFAULT_REQUEST_TIMEOUT);

  public RegistryClientSettings {
    Objects.requireNonNull(basicAuthUserInfo, "basicAuthUserInfo");
    Objects.requireNonNull(sslContext, "sslContext");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    basicAuthUserInfo.ifPresent(RegistryClientSettings::checkUserInfo);
  }

  /**
   * Settings from the environment: {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}, and a trust store
   * ({@code SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION}, {@code _PASSWORD}, {@code _TYPE}, default
   * PKCS12) and/or a key store for mutual TLS ({@code SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION},
   * {@code _PASSWORD}, {@code _TYPE}, {@code SCHEMA_REGISTRY_SSL_KEY_PASSWORD}).
   *
   * @throws IllegalArgumentException naming the variable when a value is unusable
   */
  public static RegistryClientSettings fromEnvironment(Map<String, String> env) {
    Optional<String> userInfo = value(env, BASIC_AUTH_USER_INFO);
    Optional<String> trustStore = value(env, TRUSTSTORE_LOCATION);
    Optional<String> keyStore = value(env, KEYSTORE_LOCATION);
    Optional<SSLContext> ssl = Optional.empty();
    if (trustStore.isPresent() || keyStore.isPresent()) {
      ssl = Optional.of(sslContext(env, trustStore, keyStore));
    }
    try {
      return DEFAULT.withBasicAuth(userInfo).withSslContext(ssl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + ": " + e.getMessage(), e);
    }
  }

  public RegistryClientSettings withBasicAuth(Optional<String> userInfo) {
    return new RegistryClientSettings(userInfo, sslContext, connectTimeout, requestTimeout);
  }

  public RegistryClientSettings withSslContext(Optional<SSLContext> context) {
    return new RegistryClientSettings(basicAuthUserInfo, context, connectTimeout, requestTimeout);
  }

  public RegistryClientSettings withTimeouts(Duration connect, Duration request) {
    return new RegistryClientSettings(basicAuthUserInfo, sslContext, connect, request);
  }

  private static void checkUserInfo(String userInfo) {
    if (userInfo.indexOf(':') <= 0) {
      throw new IllegalArgumentException("expected user:password");
    }
  }

  private static SSLContext sslContext(
      Map<String, String> env, Optional<String> trustStore, Optional<String> keyStore) {
    try {
      TrustManagerFactory tmf = null;
      if (trustStore.isPresent()) {
        KeyStore trust =
            load(
                TRUSTSTORE_LOCATION,
                trustStore.get(),
                value(env, TRUSTSTORE_TYPE),
                value(env, TRUSTSTORE_PASSWORD));
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
      }
      KeyManagerFactory kmf = null;
      if (keyStore.isPresent()) {
        Optional<String> storePassword = value(env, KEYSTORE_PASSWORD);
        KeyStore keys =
            load(KEYSTORE_LOCATION, keyStore.get(), value(env, KEYSTORE_TYPE), storePassword);
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, value(env, KEY_PASSWORD).or(() -> storePassword).orElse("").toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(),
          tmf == null ? null : tmf.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Cannot set up TLS for the schema registry client: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(
      String variable, String location, Optional<String> type, Optional<String> password) {
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      KeyStore store = KeyStore.getInstance(type.orElse("PKCS12"));
      store.load(in, password.map(String::toCharArray).orElse(null));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          variable + ": cannot read key store " + location + ": " + e.getMessage(), e);
    }
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
