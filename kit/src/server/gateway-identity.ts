import type { IncomingMessage, Server } from 'node:http';
import type { RequestHandler, Response } from 'express';
import { GraphQLFieldResolver, GraphQLSchema, defaultFieldResolver } from 'graphql';
import { GatewaySigner, IDENTITY_SIGNATURE_HEADER, IdentityVerdict, bodySignatureOf } from '../auth/gateway-signature';
import { Headers, RequestContext } from '../context';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logger';

/** Federation's own root fields: entity lookups by key and the subgraph's SDL, for the gateway only. */
const GATEWAY_ONLY_FIELDS = ['_entities', '_service'] as const;
const FORBIDDEN_STATUS = 403;
const UNAUTHENTICATED_STATUS = 401;

/**
 * Keeps the forwarded identity headers (`x-client-ip`, `x-request-id`) only when the gateway's
 * `x-gateway-signature` over them holds; otherwise removes them, so whatever reads the request
 * afterwards falls back to the socket address and a fresh request id. Returns the verdict.
 */
export function acceptForwardedIdentity(
  signer: GatewaySigner,
  req: IncomingMessage,
  path: string,
  bodySignature: string | undefined,
): IdentityVerdict {
  const header = req.headers[IDENTITY_SIGNATURE_HEADER];
  const clientIp = req.headers[Headers.clientIp];
  const requestId = req.headers[Headers.requestId];
  const verdict =
    typeof clientIp === 'object' || typeof requestId === 'object' || typeof header === 'object'
      ? 'malformed'
      : signer.verifyIdentity(header, { method: req.method ?? 'GET', path, clientIp, requestId, bodySignature });
  if (verdict !== 'valid') {
    delete req.headers[Headers.clientIp];
    delete req.headers[Headers.requestId];
    delete req.headers[Headers.clientUserAgent];
  }
  return verdict;
}

/** Whether `res` answers a request whose body the gateway signed (set by `gatewaySignatureMiddleware`). */
export function signedByGateway(res: Response): boolean {
  return res.locals.signedByGateway === true;
}

/**
 * Every HTTP request but health and metrics: a body signature or identity signature that is
 * present but does not hold (tampered body, IP or path; stale timestamp) → 401; none at all →
 * served, as the socket's peer, without `_entities`/`_service`. Mounted after `/graphql`'s
 * JSON parser, so the body is read there and absent on the streaming REST routes.
 */
export function gatewaySignatureMiddleware(signer: GatewaySigner, log: Logger): RequestHandler {
  return (req, res, next) => {
    const body = signer.verifyBody(req.body);
    const identity = acceptForwardedIdentity(signer, req, req.originalUrl, bodySignatureOf(req.body));
    const refusal =
      body === 'mismatch'
        ? 'the body does not match its hmac-signature'
        : identity === 'valid' || identity === 'absent'
          ? undefined
          : `${IDENTITY_SIGNATURE_HEADER} is ${identity}`;
    if (refusal) {
      log.warn({ path: req.path, peer: req.socket.remoteAddress, refusal }, 'gateway signature refused');
      res.status(UNAUTHENTICATED_STATUS).json({
        errors: [{ message: `Invalid gateway signature: ${refusal}`, extensions: { code: ErrorCode.UNAUTHENTICATED } }],
      });
      return;
    }
    res.locals.signedByGateway = body === 'valid';
    next();
  };
}

/**
 * graphql-ws upgrades: the identity headers stay only under a valid signature (the upgrade
 * has no body; a bad signature is treated as none). Runs before the WebSocket server's own
 * listener, so the context of every operation on the socket sees the checked headers.
 */
export function acceptIdentityOnUpgrade(httpServer: Server, signer: GatewaySigner): void {
  httpServer.prependListener('upgrade', (req: IncomingMessage) => {
    acceptForwardedIdentity(signer, req, req.url ?? '/', undefined);
  });
}

/**
 * `_entities` and `_service` answer only requests whose body the gateway signed: they read
 * any entity by key (a pending vendor, any user's name and role) and the whole SDL. The
 * check sits in the resolvers, so it holds over HTTP and WebSocket alike.
 */
export function answerFederationFieldsOnlyToGateway(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getQueryType()?.getFields() ?? {};
  for (const name of GATEWAY_ONLY_FIELDS) {
    const field = fields[name];
    if (!field) continue;
    const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: RequestContext | undefined, info) => {
      if (!context?.signedByGateway) {
        throw new AppError(ErrorCode.FORBIDDEN, `${name} answers only requests the gateway signed`, {
          http: { status: FORBIDDEN_STATUS },
        });
      }
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
