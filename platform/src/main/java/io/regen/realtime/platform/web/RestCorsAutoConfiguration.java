package io.regen.realtime.platform.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * CORS for {@code /api/**} in every role: the allowed origins ({@link CorsProperties}) get the
 * headers a front end on another origin needs (bearer auth, JSON bodies, {@code Retry-After}); any
 * other origin gets no CORS headers at all, so the browser keeps the response from it.
 */
@AutoConfiguration
@EnableConfigurationProperties(CorsProperties.class)
public class RestCorsAutoConfiguration {
  /** Response headers a cross-origin script may read. */
  static final String[] EXPOSED = {"Retry-After", "X-Regen-Stale"};

  @Bean
  public WebMvcConfigurer regenRestCors(CorsProperties props) {
    return new WebMvcConfigurer() {
      @Override
      public void addCorsMappings(CorsRegistry registry) {
        registry
            .addMapping("/api/**")
            .allowedOrigins(props.allowedOrigins().toArray(String[]::new))
            .allowedMethods("GET", "POST", "OPTIONS")
            .allowedHeaders("Authorization", "Content-Type")
            .exposedHeaders(EXPOSED)
            .maxAge(600);
      }
    };
  }
}
