# syntax=docker/dockerfile:1
#
# subsidy: the web calculator and JSON API in one static binary.
#
#   docker build -t subsidy .
#   docker run --rm -p 8080:8080 subsidy
#
# Templates, static files and the policy rate record are embedded in the
# binary; the image holds nothing else. Batch jobs go to /data (a volume).

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
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
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/subsidy /usr/local/bin/subsidy
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV SUBSIDY_ADDR=:8080 \
    SUBSIDY_DATA_DIR=/data \
    SUBSIDY_LOG_LEVEL=info
VOLUME ["/data"]
EXPOSE 8080
# The binary probes itself (no curl in the image); it reads SUBSIDY_ADDR.
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/subsidy", "health"]
# SIGTERM starts a graceful shutdown; requests in flight get
# SUBSIDY_SHUTDOWN_TIMEOUT (8s), under Docker's default 10s stop timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/subsidy"]
CMD ["serve"]
