package io.regen.realtime.gateway.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A plain Spring Boot application for the gateway's integration tests: everything comes from the
 * gateway's auto-configuration ({@code regen.gateway.enabled=true}). Scans only this package.
 */
@SpringBootApplication
public class GatewayTestApplication {}
