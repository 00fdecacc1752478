import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { RequestHandler } from 'express';
import { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule, parse, specifiedRules, validate } from 'graphql';
import type { Logger } from '../logger';
import { signedByGateway } from './gateway-identity';
import { OperationShapeLimits, operationShapeRules, tokenLimitRefusal } from './operation-limits';

/** Apollo Server's codes and status for a document that does not parse / does not validate: what the gateway answers. */
const PARSE_FAILED = 'GRAPHQL_PARSE_FAILED';
const VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';
const BAD_REQUEST_STATUS = 400;

/** What the plugin reads of a subgraph's request context. */
interface LimitedContext extends BaseContext {
  signedByGateway: boolean;
}

/**
 * The operation limits at a subgraph's HTTP endpoint, answered as the gateway answers them
 * (same messages; GRAPHQL_PARSE_FAILED for tokens, GRAPHQL_VALIDATION_FAILED for depth,
 * aliases and directives; HTTP 400), for every request the gateway did not sign: tokens
 * here (tokenLimitMiddleware), the rules in operationLimitsPlugin.
 *
 * A request whose body carries the gateway's valid signature is exempt: the gateway checked
 * the client's operation (and its cost) before planning, and a plan's fetch may legitimately
 * go past a limit the client's operation kept — the planner inlines fragments (a fragment
 * spread 30 times is 30 copies: more tokens, directives and aliases) and adds `@requires`
 * selections beneath an entity (more depth).
 *
 * Neither is a parse option or a validation rule, because Apollo Server parses and validates
 * a document once and caches it: a signed fetch's document, exempt, would then pass unchecked
 * for anyone sending the same text. So each unsigned request is checked on its own.
 */

/**
 * Tokens, before Apollo Server parses anything: lexing stops at the limit, no AST is built.
 * (Apollo Server answers an error thrown by a plugin before parsing with a 500, so this is
 * an Express middleware, mounted after the gateway's signature check.)
 */
export function tokenLimitMiddleware(maxTokens: number, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (signedByGateway(res)) return next();
    const query = req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query;
    const refusal = typeof query === 'string' ? tokenLimitRefusal(query, maxTokens) : undefined;
    if (!refusal) return next();
    log.info(
      { limit: 'tokens', max: maxTokens, peer: req.socket.remoteAddress },
      'graphql operation refused: too many tokens',
    );
    const { message, locations } = refusal.toJSON();
    res.status(BAD_REQUEST_STATUS).json({ errors: [{ message, locations, extensions: { code: PARSE_FAILED } }] });
  };
}

/**
 * Depth, aliases and directives, once Apollo Server knows the operation: checked for each
 * unsigned request, the verdict memoized per (cached) document. Apollo Server answers only
 * the first error a plugin throws: an operation over two limits is told about one.
 */
export function operationLimitsPlugin<TContext extends LimitedContext>(
  limits: Omit<OperationShapeLimits, 'maxTokens'>,
): ApolloServerPlugin<TContext> {
  const rules = operationShapeRules(limits);
  const verdicts = new WeakMap<DocumentNode, readonly GraphQLError[]>();
  const errorsOf = (schema: GraphQLSchema, document: DocumentNode) => {
    let errors = verdicts.get(document);
    if (!errors) {
      errors = validate(schema, document, rules);
      verdicts.set(document, errors);
    }
    return errors;
  };
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.signedByGateway) return;
      return {
        async didResolveOperation({ schema, document }) {
          const [first] = errorsOf(schema, document);
          if (!first) return;
          throw new GraphQLError(first.message, {
            nodes: first.nodes,
            extensions: { ...first.extensions, code: VALIDATION_FAILED, http: { status: BAD_REQUEST_STATUS } },
          });
        },
      };
    },
  };
}

/**
 * The same limits for an operation sent over a subgraph's WebSocket (never signed: no body
 * signature there): parsed with the token limit, validated with graphql-js's rules and the
 * shape rules. The document, or the errors graphql-ws answers with (the kit's graphql-ws
 * gives them GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED, as the gateway's does).
 */
export function webSocketOperationChecker(schema: GraphQLSchema, limits: OperationShapeLimits) {
  const rules: ValidationRule[] = [...specifiedRules, ...operationShapeRules(limits)];
  return (query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } => {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    const errors = validate(schema, document, rules);
    return errors.length > 0 ? { errors } : { document };
  };
}
