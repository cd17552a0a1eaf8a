package io.regen.realtime.gateway.http;

import io.regen.realtime.auth.BearerAuthenticator;
import io.regen.realtime.auth.JwtVerifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link BearerAuth} and the JSON 401/403 mapping, for any REST controller of the gateway. Needs a
 * {@link JwtVerifier} bean. Import it where a controller uses {@link BearerAuth}; importing it
 * twice is harmless.
 */
@Configuration(proxyBeanMethods = false)
public class HttpAuthConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public BearerAuth bearerAuth(BearerAuthenticator authenticator) {
    return new BearerAuth(authenticator);
  }

  @Bean
  @ConditionalOnMissingBean
  public BearerAuthenticator bearerAuthenticator(JwtVerifier verifier) {
    return new BearerAuthenticator(verifier);
  }

  @Bean
  @ConditionalOnMissingBean
  public HttpErrorAdvice httpErrorAdvice() {
    return new HttpErrorAdvice();
  }
}
