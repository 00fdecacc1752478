// Container health probe: GET /health on this service's own port, exit 0 on a 2xx answer.
// The port follows the services' own convention: <SERVICE>_PORT (dashes as underscores:
// ROUTER_COPROCESSOR_PORT), else the service's default.
// HEALTHCHECK_URL overrides the whole URL (for example when HOST is not a wildcard address).
'use strict';

const DEFAULT_PORTS = {
  gateway: 4000,
  users: 4001,
  catalog: 4002,
  orders: 4003,
  payments: 4004,
  licensing: 4005,
  vendor: 4006,
  operator: 4007,
  notifications: 4008,
  billing: 4009,
  'router-coprocessor': 4098,
};

const service = process.env.SERVICE || '';
const portVariable = `${service.toUpperCase().replace(/-/g, '_')}_PORT`;
const port = process.env[portVariable] || DEFAULT_PORTS[service];
const url = process.env.HEALTHCHECK_URL || (port && `http://127.0.0.1:${port}/health`);

if (!url) {
  console.error(`healthcheck: no port known for SERVICE=${service}; set ${portVariable} or HEALTHCHECK_URL`);
  process.exit(1);
}

fetch(url, { signal: AbortSignal.timeout(4000) }).then(
  (response) => {
    if (response.ok) process.exit(0);
    console.error(`healthcheck: ${url} answered ${response.status}`);
    process.exit(1);
  },
  (error) => {
    console.error(`healthcheck: ${url}: ${error.cause?.code ?? error.message}`);
    process.exit(1);
  },
);
