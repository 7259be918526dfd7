# syntax=docker/dockerfile:1
#
# scambot serve in a container:
#
#   docker build -t scambot .
#   docker run -d --name scambot -e TELEGRAM_BOT_TOKEN=123:abc \
#     -v scambot-data:/data -p 8080:8080 --stop-timeout 30 scambot
#
# go-sqlite3 needs cgo, so the binary links against glibc: the builder and
# the runtime are the same Debian release (bookworm), so the glibc the binary
# was linked against is the one it runs with.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# docker build --build-arg VERSION=1.2.0 --build-arg COMMIT=$(git rev-parse --short HEAD) .
ARG VERSION=""
ARG COMMIT=""
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=1 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/scambot ./cmd/scambot

FROM debian:bookworm-slim
# ca-certificates: HTTPS to api.telegram.org. tzdata: local times in logs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 scambot \
 && useradd --system --uid 10001 --gid scambot --home-dir /data --no-create-home --shell /usr/sbin/nologin scambot \
 && mkdir -p /data \
 && chown scambot:scambot /data
COPY --from=build /out/scambot /usr/local/bin/scambot
USER scambot:scambot
WORKDIR /data
# The database lives on the volume; health, metrics and the webhook listen
# on every interface of the container.
ENV SCAMBOT_DB=/data/scambot.db \
    SCAMBOT_HTTP_ADDR=0.0.0.0:8080
VOLUME /data
EXPOSE 8080
# SIGTERM starts a graceful shutdown (the scheduler drains for up to 5 s,
# the HTTP server for up to 10 s); give it more than Docker's default 10 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["scambot"]
CMD ["serve"]
