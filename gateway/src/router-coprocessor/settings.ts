import { CommonConfig, EnvReader, readCommonConfig } from '@marketplace/kit';
import { readApiKeySettings } from '../config';

/** The port the router's `coprocessor.url` names (router.yaml) and the Kubernetes sidecar listens on. */
export const DEFAULT_ROUTER_COPROCESSOR_PORT = 4098;

export interface RouterCoprocessorConfig {
  common: CommonConfig;
  port: number;
  /** Loopback by default: anything that can reach the coprocessor can have any request signed. */
  host: string;
  /**
   * Sign the `x-client-ip` the router forwards (`ROUTER_COPROCESSOR_TRUST_CLIENT_IP`). The
   * router cannot see who its client is, it passes on a header; only a proxy in front of it that
   * sets that header itself (overwriting the client's) makes it true. Off: the header is dropped
   * and subgraphs count the router's address, as they did before.
   */
  trustClientIp: boolean;
  /**
   * The users subgraph (`USERS_URL`, as the gateway's override), where the `RouterRequest`
   * stage exchanges vendors' API keys. Unset: a request with a key is refused 401.
   */
  usersUrl: string | undefined;
  /** `API_KEY_CACHE_SECONDS`, `RATE_LIMIT_PER_API_KEY_PER_MINUTE` and their store, read as the gateway reads them. */
  apiKeys: ReturnType<typeof readApiKeySettings>;
}

export function readRouterCoprocessorConfig(env: EnvReader): RouterCoprocessorConfig {
  return {
    common: readCommonConfig(env),
    port: env.port('ROUTER_COPROCESSOR_PORT', DEFAULT_ROUTER_COPROCESSOR_PORT),
    host: env.string('HOST', '127.0.0.1'),
    trustClientIp: env.bool('ROUTER_COPROCESSOR_TRUST_CLIENT_IP', false),
    usersUrl: env.url('USERS_URL', ['http', 'https']),
    apiKeys: readApiKeySettings(env),
  };
}
