import express, { Express, Request, Response } from 'express';
import type { DestinationStream } from 'pino';
import {
  EnvReader,
  GatewaySigner,
  Logger,
  buildGatewaySigner,
  closeServer,
  createHttpServer,
  createLogger,
  createStore,
  envReader,
  jsonErrorHandler,
  listen,
  portOf,
  routeErrorBody,
} from '@marketplace/kit';
import { payloadTooLargeHandler, refuseDeclaredOversize } from '../edge/body-size';
import { ApiKeyExchange } from '../edge/api-key-exchange';
import { RequestRateLimiter, storeNamespace } from '../edge/rate-limit';
import { buildTokenVerifier } from '../edge/request-context';
import { RouterApiKeys, answerRouterRequest } from './api-key-stage';
import { ProtocolRefusal, ROUTER_REQUEST_STAGE, parsePayload } from './protocol';
import { SigningOptions, signSubgraphRequest } from './request-signing';
import { RouterCoprocessorConfig, readRouterCoprocessorConfig } from './settings';

export const SERVICE_NAME = 'router-coprocessor';

/**
 * The largest payload taken: a subgraph takes a GraphQL body of up to 1 MiB (the kit's
 * `/graphql` limit); the payload wraps it with headers and a few short fields.
 */
export const MAX_PAYLOAD_BYTES = 2 * 2 ** 20;

export interface RouterCoprocessorOptions {
  env?: EnvReader;
  port?: number;
  host?: string;
  logDestination?: DestinationStream;
}

export interface RunningRouterCoprocessor {
  /** Where the router posts its payloads (router.yaml `coprocessor.url`). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The coprocessor's HTTP server on its configured (or given) port and host. */
export async function startRouterCoprocessor(
  options: RouterCoprocessorOptions = {},
): Promise<RunningRouterCoprocessor> {
  const config = readRouterCoprocessorConfig(options.env ?? envReader());
  const { port = config.port, host = config.host } = options;
  const log = createLogger({ name: SERVICE_NAME, level: config.common.logLevel, destination: options.logDestination });
  const signer = buildGatewaySigner(config.common);
  const keys = buildRouterApiKeys(config, signer, log);
  const app = buildCoprocessorApp(signer, { trustClientIp: config.trustClientIp, keys: keys?.keys }, log);
  const httpServer = createHttpServer(app);
  const closeAll = async () => {
    await closeServer(httpServer);
    await keys?.close();
  };
  try {
    await listen(httpServer, port, host, SERVICE_NAME);
  } catch (error) {
    await keys?.close();
    throw error;
  }
  const actualPort = portOf(httpServer);
  const url = `http://${host}:${actualPort}`;
  log.info({ url, trustClientIp: config.trustClientIp, apiKeys: keys !== undefined }, 'router coprocessor ready');
  return { url, port: actualPort, close: closeAll };
}

/**
 * API keys at the `RouterRequest` stage, when `USERS_URL` says where to exchange them: the
 * gateway's exchange client, token verifier (JWT_PUBLIC_KEY, session versions in Redis) and
 * per-key budget (counted in the gateway's own store namespace, so a key has one budget
 * whether the gateway or the router serves it).
 */
function buildRouterApiKeys(config: RouterCoprocessorConfig, signer: GatewaySigner, log: Logger) {
  if (!config.usersUrl) return undefined;
  const { verifier, sessions } = buildTokenVerifier(config.common, log);
  const settings = config.apiKeys;
  const apiKeys = new ApiKeyExchange(
    config.usersUrl,
    signer,
    settings.cacheSeconds,
    log.child({ component: 'api-keys' }),
  );
  const store = settings.rateLimitEnabled ? createStore(config.common.redisUrl, storeNamespace(config)) : undefined;
  const limiter =
    store &&
    new RequestRateLimiter(
      store,
      { enabled: true, perUserPerMinute: settings.perApiKeyPerMinute, perIpPerMinute: settings.perApiKeyPerMinute },
      { log: log.child({ component: 'rate-limit' }), storeTimeoutMs: settings.storeTimeoutMs },
    );
  const keys: RouterApiKeys = { apiKeys, verifier, limiter };
  return { keys, close: async () => void (await Promise.allSettled([store?.close(), sessions.close()])) };
}

/**
 * `POST /` answers the router's `RouterRequest` payloads (API keys exchanged, api-key-stage.ts)
 * and its `SubgraphRequest` payloads, signed; `GET /health` says the process is up (signing
 * needs nothing else). Any payload it cannot answer gets a 4xx: the router then fails that
 * request rather than send it on unsigned or with a key.
 */
export function buildCoprocessorApp(
  signer: GatewaySigner,
  options: SigningOptions & { keys?: RouterApiKeys },
  log: Logger,
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => void res.json({ status: 'ok', service: SERVICE_NAME }));
  app.post(
    '/',
    refuseDeclaredOversize(MAX_PAYLOAD_BYTES, 'coprocessor payload'),
    express.json({ limit: MAX_PAYLOAD_BYTES }),
    async (req: Request, res: Response) => {
      if (!req.is('application/json')) {
        refuse(
          res,
          log,
          new ProtocolRefusal('Expected a JSON coprocessor payload (content-type: application/json)', 415),
        );
        return;
      }
      let payload;
      try {
        payload = parsePayload(req.body);
      } catch (error) {
        if (!(error instanceof ProtocolRefusal)) throw error;
        refuse(res, log, error);
        return;
      }
      if (payload.stage === ROUTER_REQUEST_STAGE) {
        res.json(await answerRouterRequest(payload, { keys: options.keys, trustClientIp: options.trustClientIp, log }));
        return;
      }
      res.json(signSubgraphRequest(signer, payload, options));
    },
  );
  app.use((_req: Request, res: Response) => {
    res.status(404).json(routeErrorBody('No such route: the router posts its payloads to /', 'NOT_FOUND'));
  });
  app.use(payloadTooLargeHandler, jsonErrorHandler);
  return app;
}

function refuse(res: Response, log: Logger, refusal: ProtocolRefusal): void {
  log.warn({ status: refusal.status, reason: refusal.message }, 'coprocessor payload refused');
  res.status(refusal.status).json(routeErrorBody(refusal.message, 'BAD_REQUEST'));
}
