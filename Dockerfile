# syntax=docker/dockerfile:1
# aicache as a container image:
#   docker build -t aicache .
#   docker run -d -p 5000:5000 -v aicache-data:/var/lib/aicache aicache
#   docker run -d -p 5000:5000 -v aicache-data:/var/lib/aicache -v $PWD/my.yaml:/etc/aicache/aicache.yaml:ro aicache
# The configuration is /etc/aicache/aicache.yaml (AICACHE_CONFIG), merged over the embedded defaults;
# JVM options come from AICACHE_JAVA_OPTS.

# ---- build: the shaded jar, as scripts/aicache builds it -----------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Every module's pom (the reactor reads them all), the sources of the four the jar is made of.
# The Maven repository is a build cache, so a rebuild downloads nothing.
COPY pom.xml ./
COPY model/pom.xml model/
COPY storage-rocksdb/pom.xml storage-rocksdb/
COPY upstream/pom.xml upstream/
COPY proxy-core/pom.xml proxy-core/
COPY benchmarks/pom.xml benchmarks/
COPY conf conf
COPY model/src model/src
COPY storage-rocksdb/src storage-rocksdb/src
COPY upstream/src upstream/src
COPY proxy-core/src proxy-core/src
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -pl proxy-core -am -DskipTests
# The image's configuration: the defaults with the data directory on the volume.
RUN sed 's|^  dataDir: .*|  dataDir: "/var/lib/aicache"|' conf/aicache.yaml > aicache.yaml \
    && grep -qx '  dataDir: "/var/lib/aicache"' aicache.yaml

# ---- runtime: a JRE, the jar, a user of its own -------------------------------------------------
FROM eclipse-temurin:17-jre AS runtime
ARG AICACHE_UID=10001
RUN groupadd --system --gid "${AICACHE_UID}" aicache \
    && useradd --system --uid "${AICACHE_UID}" --gid aicache --no-create-home \
       --home-dir /var/lib/aicache --shell /usr/sbin/nologin aicache \
    && install -d -m 0750 -o aicache -g aicache /var/lib/aicache \
    && install -d -m 0755 /etc/aicache /opt/aicache
COPY --from=build /src/proxy-core/target/aicache.jar /opt/aicache/aicache.jar
COPY --from=build /src/aicache.yaml /etc/aicache/aicache.yaml
COPY deploy/docker/healthcheck /usr/local/bin/aicache-healthcheck
# The heap settings of scripts/aicache and conf/aicache.service: blobs stream through the page cache
# and never sit in the heap.
ENV AICACHE_CONFIG=/etc/aicache/aicache.yaml \
    AICACHE_JAVA_OPTS="-Xms32m -Xmx160m -XX:MaxDirectMemorySize=128m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
VOLUME /var/lib/aicache
WORKDIR /var/lib/aicache
USER aicache:aicache
EXPOSE 5000
# bash's /dev/tcp, so the image needs no curl; liveness only (/readyz is for load balancers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/usr/local/bin/aicache-healthcheck"]
# exec: java is PID 1 and gets SIGTERM, which closes aicache cleanly.
ENTRYPOINT ["/bin/sh", "-c", "exec java $AICACHE_JAVA_OPTS -jar /opt/aicache/aicache.jar \"$@\"", "aicache"]
CMD ["serve"]
