# syntax=docker/dockerfile:1
# Multi-stage build: compile in the Rust image, run from a slim Debian image
# as a non-root user.

FROM rust:1.95-slim-bookworm AS build
# jemalloc, the binary's allocator, is built from source with make (the slim
# image has gcc but not make).
RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Build the dependencies once, against stub sources, so that code changes do
# not rebuild them.
COPY Cargo.toml Cargo.lock ./
# Declared bench targets must exist for Cargo to read the manifest.
COPY benches ./benches
RUN mkdir src \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs \
 && cargo build --release --locked \
 && rm -rf src
COPY src ./src
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM debian:bookworm-slim
# ca-certificates: TLS to slack.com; curl: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin tandem
WORKDIR /app
COPY --from=build /src/target/release/tandem /usr/local/bin/tandem
# The baked-in config; mount another file and set TANDEM_CONFIG, or override
# single keys with TANDEM__SECTION__KEY variables.
COPY config ./config
ENV TANDEM_CONFIG=/app/config/default.toml \
    PORT=3000 \
    RUST_LOG=warn,tandem=info
USER tandem
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
ENTRYPOINT ["tandem"]
CMD ["serve"]
