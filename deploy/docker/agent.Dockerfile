# syntax=docker/dockerfile:1
# The node agent (`faultline-agent`): the Faultline image plus the host tools it runs inside pod
# network namespaces (iptables incl. iptables-save, tc/ip from iproute2, nsenter/unshare from util-linux).
# Build the main image first, then from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile --build-arg BASE=faultline:dev -t faultline-agent:dev .
ARG BASE=faultline:dev
FROM ${BASE}
USER 0:0
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables iproute2 util-linux \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /app/apps/agent/bin/faultline-agent.js /usr/local/bin/faultline-agent
# Runs as root with a few capabilities (see deploy/kubernetes/agent/agent.yaml); no HTTP health check here.
HEALTHCHECK NONE
ENTRYPOINT []
CMD ["faultline-agent", "serve", "--tls-dir", "/etc/faultline-agent/tls"]
