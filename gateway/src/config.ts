import { resolve } from 'node:path';
import {
  CommonConfig,
  ConfigError,
  DEFAULT_WEBSOCKET_MAX_MESSAGE_BYTES,
  DEFAULT_WEBSOCKET_MAX_OPERATIONS_IN_FLIGHT,
  EnvReader,
  readCommonConfig,
  readMediaMaxBytes,
} from '@marketplace/kit';
import {
  DEFAULT_REST_EDGE_ROUTES,
  DEFAULT_REST_EDGE_TIMEOUT_MS,
  RestEdgeRoute,
  parseRestEdgeRoutes,
} from './edge/rest-edge';
import type { OperationLimits } from './edge/limits';
import { DEFAULT_STORE_TIMEOUT_MS, GatewayRateLimitSettings } from './edge/rate-limit';
import type { ResponseCacheSettings } from './caching/response-cache';
import type { PublicCacheSettings } from './caching/public-cache';
import { APOLLO_TELEMETRY_VARIABLE } from './apollo/apollo-telemetry';
import type { WebSocketSettings } from './subscriptions/socket-limits';

export const DEFAULT_GATEWAY_PORT = 4000;
/** Catalog's default `ARTIFACT_MAX_BYTES`: the gateway refuses a larger declared upload before forwarding it. */
export const DEFAULT_ARTIFACT_MAX_BYTES = 100 * 2 ** 20;
/** Every other REST edge route (Stripe webhooks; downloads take no body). Payments caps webhooks lower itself. */
export const DEFAULT_REST_EDGE_MAX_BODY_BYTES = 2 ** 20;
/** GraphQL's Int is 32-bit: catalog cannot report a larger artifact, so it accepts none (same bound as catalog). */
const LARGEST_ARTIFACT_BYTES = 2_147_483_647;
/** Cost budgets of one operation (gateway/src/edge/cost.ts); see docs/security.md for how they were chosen. */
export const DEFAULT_MAX_COST = 10_000;
export const DEFAULT_MAX_COST_ANONYMOUS = 3_000;
/** A serialized GraphQL response larger than this is replaced by a RESPONSE_TOO_LARGE error. */
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 2 ** 20;
/** Per subgraph `/ready` probe behind `/health`; a hung subgraph must not hang the probe. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;
/** One subgraph fetch; longer than any sane resolver, shorter than client timeouts. */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 30_000;
/** Requests per minute for a signed-in caller (by user id) and for anyone else (by client IP). */
export const DEFAULT_RATE_LIMIT_PER_USER_PER_MINUTE = 600;
export const DEFAULT_RATE_LIMIT_PER_IP_PER_MINUTE = 300;
/** Each vendor API key's own budget: software polls, so it counts apart from its owner's person. */
export const DEFAULT_RATE_LIMIT_PER_API_KEY_PER_MINUTE = 300;
/** How long the gateway trusts an API key it exchanged: the most a revoked key keeps working. */
export const DEFAULT_API_KEY_CACHE_SECONDS = 5;
/**
 * Stripe delivers every account's webhooks from a dozen published addresses and retries a 429
 * for days: a sale's burst of events from one address must not wait behind visitors' budgets,
 * while a flood of forged deliveries (each a signature check at payments) stays bounded.
 */
export const DEFAULT_RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE = 1_200;
/** Image reads per client IP: a storefront page shows a few dozen thumbnails, a visitor a page every few seconds. */
export const DEFAULT_RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE = 3_000;
const MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;
/** Sockets a signed-in user may hold open on one gateway at once: tabs and devices, each with one socket. */
export const DEFAULT_WS_MAX_SOCKETS_PER_USER = 10;
/** Sockets one client IP may hold open before signing in, or without signing in: room for a NAT of visitors. */
export const DEFAULT_WS_MAX_SOCKETS_PER_IP = 50;
const MAX_COST_SETTING = 1_000_000_000;
/** Change notices drop cached answers at once; the TTL only bounds a notice lost with a Redis outage. */
export const DEFAULT_RESPONSE_CACHE_TTL_SECONDS = 60;
export const DEFAULT_RESPONSE_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_RESPONSE_CACHE_MAX_ENTRY_BYTES = 256 * 1024;
/** Each cache's whole budget (serialized bytes): what bounds the gateway's memory, whatever the traffic. */
export const DEFAULT_PUBLIC_CACHE_MAX_BYTES = 64 * 2 ** 20;
/** Subgraph answers declared public: one per distinct read (an entity page), so more of them, each small. */
export const DEFAULT_SUBGRAPH_CACHE_MAX_ENTRIES = 50_000;
export const DEFAULT_SUBGRAPH_CACHE_MAX_ENTRY_BYTES = 256 * 1024;
/** Root fields whose answers to anonymous visitors are the same for everyone and announced when they change. */
export const DEFAULT_RESPONSE_CACHE_ROOT_FIELDS = [
  'products',
  'featuredProducts',
  'product',
  'productBySlug',
  'categories',
  'categoryBySlug',
  'vendor',
  'vendorBySlug',
];

/**
 * gateway/dist → repository root → schema/supergraph.graphql (the committed, composed production schema).
 * Runs whose subgraphs serve their development surface (`npm start`, test supergraphs with
 * PAYMENT_SIMULATION_ENABLED=true) set SUPERGRAPH_PATH to schema/development/supergraph.graphql.
 */
export const DEFAULT_SUPERGRAPH_PATH = resolve(__dirname, '..', '..', 'schema', 'supergraph.graphql');

/** Express `trust proxy`: false, true (any hop), a hop count, or the proxies' addresses/subnets. */
export type TrustProxy = boolean | number | string[];

export interface GatewayConfig {
  common: CommonConfig;
  port: number;
  host: string;
  supergraphPath: string;
  trustProxy: TrustProxy;
  /** Exact origins allowed by CORS; `undefined` means "localhost only" (non-production default). */
  corsOrigins: string[] | undefined;
  introspection: boolean;
  /**
   * Checked before planning (limits.ts, cost.ts), over HTTP and WebSocket alike; the response size after execution.
   * Depth, aliases, directives and tokens are the common config's (`common.operationLimits`), which every subgraph port applies too.
   */
  limits: OperationLimits & { maxResponseBytes: number };
  healthTimeoutMs: number;
  /**
   * REST routes streamed to the subgraph that owns them (webhooks, uploads, downloads), each
   * with its body limit: `ARTIFACT_MAX_BYTES` for `/uploads`, `MEDIA_MAX_BYTES` for `/media/…` (images),
   * `REST_EDGE_MAX_BODY_BYTES` for the others.
   */
  restEdge: { routes: RestEdgeRoute[]; timeoutMs: number };
  subgraphTimeoutMs: number;
  /** Identical reads in flight to a subgraph at once share one round trip (see createSubgraphFetcher). */
  subgraphSingleFlight: boolean;
  /** Whole answers to anonymous queries of public data, dropped on every `public-data` change notice. */
  responseCache: ResponseCacheSettings;
  /**
   * Subgraph answers their subgraph declared public (`Cache-Control: max-age=N, public`), shared
   * by every viewer; the TTL caps N. Dropped on every `public-data` change notice.
   */
  subgraphCache: PublicCacheSettings;
  /** Per-user / per-IP request limits (GraphQL and the REST edge), counted in Redis (`REDIS_URL`) or in memory. */
  rateLimit: GatewayRateLimitSettings;
  /** graphql-ws on `/graphql`: message size, sockets per user and per IP, operations in flight per socket. */
  webSocket: WebSocketSettings;
  /** Vendors' API keys (`Authorization: Bearer mk_…`): how long an exchanged key is trusted without asking users again. */
  apiKeys: { cacheSeconds: number };
  /** `USERS_URL` and friends: where a subgraph really lives when it differs from the supergraph's routing URL. */
  subgraphUrlOverride(name: string): string | undefined;
  /** @apollo/gateway's usage reports to Apollo and the cloud-metadata probes behind them; off unless `APOLLO_TELEMETRY_DISABLED=false`. */
  apolloTelemetry: boolean;
}

export function readGatewayConfig(env: EnvReader): GatewayConfig {
  const common = readCommonConfig(env);
  return {
    common,
    port: env.port('GATEWAY_PORT', DEFAULT_GATEWAY_PORT),
    host: env.string('HOST', '127.0.0.1'),
    supergraphPath: env.string('SUPERGRAPH_PATH', DEFAULT_SUPERGRAPH_PATH),
    trustProxy: parseTrustProxy(env.optionalString('TRUST_PROXY')),
    corsOrigins: corsOrigins(env, common),
    introspection: env.bool('GRAPHQL_INTROSPECTION', common.environment !== 'production'),
    limits: readLimits(env, common),
    healthTimeoutMs: env.int('HEALTH_TIMEOUT_MS', DEFAULT_HEALTH_TIMEOUT_MS, { min: 1, max: 60_000 }),
    restEdge: {
      routes: parseRestEdgeRoutes(env.string('REST_EDGE_ROUTES', DEFAULT_REST_EDGE_ROUTES), {
        artifactMaxBytes: env.int('ARTIFACT_MAX_BYTES', DEFAULT_ARTIFACT_MAX_BYTES, {
          min: 1,
          max: LARGEST_ARTIFACT_BYTES,
        }),
        mediaMaxBytes: readMediaMaxBytes(env),
        maxBodyBytes: env.int('REST_EDGE_MAX_BODY_BYTES', DEFAULT_REST_EDGE_MAX_BODY_BYTES, {
          min: 1,
          max: LARGEST_ARTIFACT_BYTES,
        }),
      }),
      timeoutMs: env.int('REST_EDGE_TIMEOUT_MS', DEFAULT_REST_EDGE_TIMEOUT_MS, { min: 1, max: 3_600_000 }),
    },
    subgraphTimeoutMs: env.int('SUBGRAPH_TIMEOUT_MS', DEFAULT_SUBGRAPH_TIMEOUT_MS, { min: 1, max: 600_000 }),
    subgraphSingleFlight: env.bool('SUBGRAPH_SINGLE_FLIGHT', true),
    responseCache: {
      ttlSeconds: env.int('RESPONSE_CACHE_TTL_SECONDS', DEFAULT_RESPONSE_CACHE_TTL_SECONDS, { min: 0, max: 24 * 3600 }),
      maxEntries: env.int('RESPONSE_CACHE_MAX_ENTRIES', DEFAULT_RESPONSE_CACHE_MAX_ENTRIES, { min: 1, max: 1_000_000 }),
      maxBytes: env.int('RESPONSE_CACHE_MAX_BYTES', DEFAULT_PUBLIC_CACHE_MAX_BYTES, { min: 1, max: 2 ** 31 }),
      maxEntryBytes: env.int('RESPONSE_CACHE_MAX_ENTRY_BYTES', DEFAULT_RESPONSE_CACHE_MAX_ENTRY_BYTES, {
        min: 1,
        max: 64 * 2 ** 20,
      }),
      rootFields: new Set(env.list('RESPONSE_CACHE_ROOT_FIELDS', DEFAULT_RESPONSE_CACHE_ROOT_FIELDS)),
    },
    subgraphCache: {
      ttlSeconds: env.int('SUBGRAPH_CACHE_TTL_SECONDS', DEFAULT_RESPONSE_CACHE_TTL_SECONDS, { min: 0, max: 24 * 3600 }),
      maxEntries: env.int('SUBGRAPH_CACHE_MAX_ENTRIES', DEFAULT_SUBGRAPH_CACHE_MAX_ENTRIES, { min: 1, max: 1_000_000 }),
      maxBytes: env.int('SUBGRAPH_CACHE_MAX_BYTES', DEFAULT_PUBLIC_CACHE_MAX_BYTES, { min: 1, max: 2 ** 31 }),
      maxEntryBytes: env.int('SUBGRAPH_CACHE_MAX_ENTRY_BYTES', DEFAULT_SUBGRAPH_CACHE_MAX_ENTRY_BYTES, {
        min: 1,
        max: 64 * 2 ** 20,
      }),
    },
    rateLimit: {
      enabled: env.bool('RATE_LIMIT_ENABLED', true),
      perUserPerMinute: env.int('RATE_LIMIT_PER_USER_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_USER_PER_MINUTE, {
        min: 1,
        max: MAX_RATE_LIMIT_PER_MINUTE,
      }),
      perIpPerMinute: env.int('RATE_LIMIT_PER_IP_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_IP_PER_MINUTE, {
        min: 1,
        max: MAX_RATE_LIMIT_PER_MINUTE,
      }),
      perApiKeyPerMinute: readApiKeySettings(env).perApiKeyPerMinute,
      storeTimeoutMs: readApiKeySettings(env).storeTimeoutMs,
      webhooksPerIpPerMinute: env.int(
        'RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE',
        DEFAULT_RATE_LIMIT_WEBHOOKS_PER_IP_PER_MINUTE,
        { min: 1, max: MAX_RATE_LIMIT_PER_MINUTE },
      ),
      mediaPerIpPerMinute: env.int('RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE', DEFAULT_RATE_LIMIT_MEDIA_PER_IP_PER_MINUTE, {
        min: 1,
        max: MAX_RATE_LIMIT_PER_MINUTE,
      }),
    },
    apiKeys: { cacheSeconds: readApiKeySettings(env).cacheSeconds },
    webSocket: {
      maxMessageBytes: env.int('WS_MAX_MESSAGE_BYTES', DEFAULT_WEBSOCKET_MAX_MESSAGE_BYTES, {
        min: 1_024,
        max: 64 * 2 ** 20,
      }),
      maxOperationsInFlight: env.int('WS_MAX_OPERATIONS_IN_FLIGHT', DEFAULT_WEBSOCKET_MAX_OPERATIONS_IN_FLIGHT, {
        min: 1,
        max: 100_000,
      }),
      maxSocketsPerUser: env.int('WS_MAX_SOCKETS_PER_USER', DEFAULT_WS_MAX_SOCKETS_PER_USER, { min: 1, max: 100_000 }),
      maxSocketsPerIp: env.int('WS_MAX_SOCKETS_PER_IP', DEFAULT_WS_MAX_SOCKETS_PER_IP, { min: 1, max: 1_000_000 }),
    },
    subgraphUrlOverride: (name) => env.url(`${subgraphEnvPrefix(name)}_URL`, ['http', 'https']),
    apolloTelemetry: !env.bool(APOLLO_TELEMETRY_VARIABLE, true),
  };
}

function readLimits(env: EnvReader, common: CommonConfig): GatewayConfig['limits'] {
  const maxCost = env.int('GRAPHQL_MAX_COST', DEFAULT_MAX_COST, { min: 1, max: MAX_COST_SETTING });
  const maxCostAnonymous = env.int('GRAPHQL_MAX_COST_ANONYMOUS', Math.min(DEFAULT_MAX_COST_ANONYMOUS, maxCost), {
    min: 1,
    max: MAX_COST_SETTING,
  });
  if (maxCostAnonymous > maxCost)
    throw new ConfigError('GRAPHQL_MAX_COST_ANONYMOUS', `must not exceed GRAPHQL_MAX_COST (${maxCost})`);
  return {
    ...common.operationLimits,
    maxCost,
    maxCostAnonymous,
    maxResponseBytes: env.int('GRAPHQL_MAX_RESPONSE_BYTES', DEFAULT_MAX_RESPONSE_BYTES, {
      min: 1_024,
      max: 1_024 * 2 ** 20,
    }),
  };
}

/** `users` → `USERS`, `order-history` → `ORDER_HISTORY`. */
export function subgraphEnvPrefix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function corsOrigins(env: EnvReader, common: CommonConfig): string[] | undefined {
  const configured = env.list('CORS_ORIGINS', []);
  if (configured.length > 0) return configured;
  // Production must name its frontends; anywhere else a local frontend just works.
  return common.environment === 'production' ? [] : undefined;
}

/**
 * What the gateway and the router coprocessor read alike for vendors' API keys, so a key is
 * remembered as long, and counted on the same budget, whichever serves it. (The rate-limit
 * store's timeout is the limiter's, shared by every budget.)
 */
export function readApiKeySettings(env: EnvReader) {
  return {
    rateLimitEnabled: env.bool('RATE_LIMIT_ENABLED', true),
    perApiKeyPerMinute: env.int('RATE_LIMIT_PER_API_KEY_PER_MINUTE', DEFAULT_RATE_LIMIT_PER_API_KEY_PER_MINUTE, {
      min: 1,
      max: MAX_RATE_LIMIT_PER_MINUTE,
    }),
    storeTimeoutMs: env.int('RATE_LIMIT_STORE_TIMEOUT_MS', DEFAULT_STORE_TIMEOUT_MS, { min: 1, max: 60_000 }),
    cacheSeconds: env.int('API_KEY_CACHE_SECONDS', DEFAULT_API_KEY_CACHE_SECONDS, { min: 0, max: 60 }),
  };
}
