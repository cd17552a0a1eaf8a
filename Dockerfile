# The Regen Realtime platform image: `docker run regen-realtime up|gateway|streams|registry|worker|...`.
# Multi-stage: Maven builds the launcher jar (tests run in CI, not here), a JRE runs it as a
# non-root user. `docker build .` needs nothing but this repository.

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY pom.xml ./
COPY schemas/pom.xml schemas/
COPY auth/pom.xml auth/
COPY schema-registry/pom.xml schema-registry/
COPY worker-sdk/pom.xml worker-sdk/
COPY workers/pom.xml workers/
COPY stream-processors/pom.xml stream-processors/
COPY job-state-store/pom.xml job-state-store/
COPY gateway/pom.xml gateway/
COPY platform/pom.xml platform/
COPY bench/pom.xml bench/
RUN mvn -B -q -ntp dependency:go-offline -pl platform -am || true
COPY . .
RUN mvn -B -q -ntp package -pl platform -am -DskipTests -Dspotless.check.skip=true \
 && cp platform/target/regen.jar /regen.jar

FROM eclipse-temurin:17.0.16_8-jre-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system regen && useradd --system --gid regen --home-dir /app regen \
 && mkdir -p /app /data && chown regen:regen /app /data
WORKDIR /app
COPY --from=build --chown=regen:regen /regen.jar /app/regen.jar
USER regen
ENV REGEN_DATA_DIR=/data \
    JAVA_TOOL_OPTIONS="-XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError"
VOLUME ["/data"]
EXPOSE 8080 8081 8082 9092
# The Spring roles (up, gateway, streams) answer /actuator/health on PORT; compose overrides the
# check for the registry and disables it for workers and one-shot commands.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS "http://localhost:${PORT:-8080}/actuator/health" >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/app/regen.jar"]
CMD ["up"]
