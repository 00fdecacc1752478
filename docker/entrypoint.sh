#!/bin/sh
# Container entry point for every service image built from the one Dockerfile.
# SERVICE picks the process: `gateway` runs gateway/dist/main.js with the Node flags of
# gateway/src/node-flags.ts, `router-coprocessor` the Apollo Router coprocessor that signs the
# router's subgraph requests (gateway/dist/router-coprocessor/main.js), any other name runs the
# main.js of the subgraph whose package is @marketplace/$SERVICE.
# `entrypoint.sh --check` only verifies that the entry exists and prints the command (the
# Dockerfile runs it at build time, so a wrong SERVICE fails the build).
set -eu
cd "$(dirname "$0")/.."

service="${SERVICE:-}"

# A folder may be named apart from its subgraph (subgraphs/vendors holds `vendor`: tools hide
# folders named vendor/ as third-party code), so the package name says which folder it is.
folder_of() {
  for manifest in subgraphs/*/package.json; do
    if grep -q "\"name\": \"@marketplace/$1\"" "$manifest"; then
      dirname "$manifest"
      return
    fi
  done
  echo "subgraphs/$1"
}

flags=''
case "$service" in
  '') echo "entrypoint: SERVICE is not set (gateway, users, ...)" >&2; exit 64 ;;
  */* | .*) echo "entrypoint: SERVICE=$service is not a service name" >&2; exit 64 ;;
  gateway) entry=gateway/dist/main.js; flags='--max-old-space-size=1024' ;;
  router-coprocessor) entry=gateway/dist/router-coprocessor/main.js ;;
  *) entry="$(folder_of "$service")/dist/main.js" ;;
esac

if [ ! -f "$entry" ]; then
  echo "entrypoint: SERVICE=$service has no $entry in this image" >&2
  exit 66
fi

if [ "${1:-}" = "--check" ]; then
  echo "entrypoint: SERVICE=$service runs node ${flags:+$flags }$entry"
  exit 0
fi

# exec: node becomes the container's main process and receives SIGTERM/SIGINT itself.
# $flags unquoted: none, or words without spaces.
exec node $flags "$entry" "$@"
