# syntax=docker/dockerfile:1
#
# subsidy: the web calculator and JSON API in one static binary.
#
#   docker build -t subsidy .
#   docker run --rm -p 8080:8080 subsidy
#
# Templates, static files and the policy rate record are embedded in the
# binary; the image holds nothing else. Batch jobs go to /data (a volume).

# Base images are pinned by digest (the multi-platform index digest that
# `docker buildx imagetools inspect IMAGE:TAG` prints), with the tag beside
# it for people: a tag says what the image is, the digest which one. To move
# to a newer image, change both in one reviewed commit.
FROM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
WORKDIR /src
# Dependencies first, so that a code change does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=devel
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false \
      -ldflags="-s -w -X main.version=${VERSION}" \
      -o /out/subsidy ./cmd/subsidy
# The batch data directory, owned by the unprivileged user of the final
# image (distroless "nonroot" is uid 65532).
RUN mkdir -p /out/data && chown 65532:65532 /out/data

# distroless/static: CA certificates, tzdata, /etc/passwd with "nonroot",
# no shell, no package manager (~2 MB).
FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639
COPY --from=build /out/subsidy /usr/local/bin/subsidy
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV SUBSIDY_ADDR=:8080 \
    SUBSIDY_DATA_DIR=/data \
    SUBSIDY_LOG_LEVEL=info
VOLUME ["/data"]
EXPOSE 8080
# The binary probes itself (no curl in the image). --pid 1 takes the address
# from the server's own command line and environment, so that
# `docker run subsidy serve --addr :9000` is probed on 9000 (SUBSIDY_ADDR
# alone would say 8080); with `docker run --init` process 1 is the init
# process and SUBSIDY_ADDR is used.
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/subsidy", "health", "--pid", "1"]
# SIGTERM starts a graceful shutdown; requests in flight get
# SUBSIDY_SHUTDOWN_TIMEOUT (8s), under Docker's default 10s stop timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/subsidy"]
CMD ["serve"]
