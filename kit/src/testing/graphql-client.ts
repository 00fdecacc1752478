import { sessionsRecorded } from './helpers';
import { GatewaySigner, bodySignatureOf } from '../auth/gateway-signature';
import { Headers as ForwardedHeaders } from '../context';

/** A GraphQL error as clients see it. */
export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * An answer's `data` as tests read it when they do not declare its type: navigated freely,
 * its shape checked by `expect` (which is what such a test is about).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests navigate undeclared answers; expect checks them
export type AnswerData = Record<string, any>;

export interface GraphQLResponse<T = AnswerData> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: GraphQLErrorShape[] | undefined;
}

export interface RequestOptions {
  variables?: Record<string, unknown>;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * A real HTTP client for tests: what a frontend sends, nothing in-process. With a signer it
 * calls a subgraph as the gateway does: the body signed, and the `x-client-ip` and
 * `x-request-id` a test sets signed in `x-gateway-signature`.
 */
export class GraphQLTestClient {
  constructor(
    readonly url: string,
    private readonly signer?: GatewaySigner,
  ) {}

  async request<T = AnswerData>(query: string, options: RequestOptions = {}): Promise<GraphQLResponse<T>> {
    if (options.token) await sessionsRecorded();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    };
    let payload: object = { query, variables: options.variables };
    if (this.signer) {
      payload = this.signer.signBody(payload);
      const forwarded = this.signer.identityHeaders({
        method: 'POST',
        path: new URL(this.url).pathname,
        clientIp: headers[ForwardedHeaders.clientIp],
        requestId: headers[ForwardedHeaders.requestId],
        bodySignature: bodySignatureOf(payload),
      });
      Object.assign(headers, forwarded);
    }
    const response = await fetch(this.url, { method: 'POST', headers, body: JSON.stringify(payload) });
    const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
    return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
  }

  /** Runs an operation that must succeed and returns its data. */
  async data<T = AnswerData>(query: string, options: RequestOptions = {}): Promise<T> {
    const result = await this.request<T>(query, options);
    if (result.errors?.length || !result.data) {
      throw new Error(`expected data, got ${result.status}: ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }

  /** Runs an operation that must fail and returns the first error's code. */
  async errorCode(query: string, options: RequestOptions = {}): Promise<string | undefined> {
    const result = await this.request(query, options);
    if (!result.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return result.errors[0].extensions?.code;
  }
}
