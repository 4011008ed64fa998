# Terminvergabe server image.
#   docker build -t terminvergabe .
#   docker run -p 8080:8080 -v termin-data:/data terminvergabe
# Without further settings it serves SQLite at /data/termin.db (created, migrated
# and seeded with the Kaarst configuration on first start).

FROM rust:1.95-bookworm AS builder
WORKDIR /src
# The image (buildpack-deps) has gcc, make and perl: SQLite, libpq and the
# OpenSSL it uses are compiled in (openssl-sys "vendored").
COPY . .
RUN cargo build --release -p api --locked \
 && cp target/release/terminvergabe /usr/local/bin/terminvergabe

FROM debian:bookworm-slim
# OpenSSL is linked statically; ca-certificates lets libpq verify a database
# server's certificate (sslmode=verify-full).
# Unpinned on purpose: bookworm's current packages carry the security fixes.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# An unprivileged user owning /data, so a fresh named volume mounted there is
# writable (Docker copies the ownership into it).
RUN groupadd --system --gid 10001 termin \
 && useradd --system --uid 10001 --gid termin --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin termin \
 && mkdir /data \
 && chown termin:termin /data
COPY --from=builder /usr/local/bin/terminvergabe /usr/local/bin/terminvergabe

ENV DATABASE_URL=sqlite:///data/termin.db \
    TERMIN_BIND=0.0.0.0:8080
VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8080

# The slim image has no curl: bash's /dev/tcp asks /readyz (200 only when the
# database answers) on the port of TERMIN_BIND.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${TERMIN_BIND##*:} && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# SIGTERM stops the server gracefully: in-flight requests get up to 20 s, so give
# `docker stop` that long (`--time 25`; compose sets stop_grace_period).
ENTRYPOINT ["/usr/local/bin/terminvergabe"]
