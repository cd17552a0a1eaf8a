package io.regen.realtime.auth;

import java.time.Instant;
import java.util.Set;

/**
 * What the verifier reads from a token whose signature, issuer, audience and times the parser has
 * accepted, before its own checks of subject and lifetime.
 *
 * @param subject {@code sub}, or null when absent
 * @param roles {@code roles}, empty when absent
 * @param expiresAt {@code exp}, or null when absent
 * @param issuedAt {@code iat}, or null when absent
 */
record VerifiedClaims(String subject, Set<String> roles, Instant expiresAt, Instant issuedAt) {}
