import { createHash } from 'node:crypto';
import {
  Arg,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import {
  ChangeFeed,
  ChangeTopics,
  RequestContext,
  SubgraphModule,
  badInput,
  changeStream,
  conflict,
  forbidden,
  notFound,
  requireViewer,
} from '@marketplace/kit';

/**
 * A subgraph that exists only for gateway tests: it reports what the gateway forwarded
 * (viewer, request id, client IP), fails on demand with each kind of error, nests without
 * end (for depth limits), and counts every request that reaches it.
 */

@ObjectType()
export class Whoami {
  @Field(() => ID, { nullable: true })
  viewerId: string | null;

  @Field(() => String, { nullable: true })
  role: string | null;

  @Field()
  requestId: string;

  @Field()
  clientIp: string;
}

/**
 * The signed-in caller, shaped as the users subgraph answers `{ me { id } }` (a `User`, so its id is
 * `User:<viewer id>` with global ids on): probes can be sent as written.
 */
@ObjectType('User')
export class ProbeMe {
  @Field(() => ID)
  id: string;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class Probe {
  @Field(() => ID)
  id: string;

  @Field(() => Int)
  level: number;
}

/**
 * An order-like object for the gateway's live subscriptions: `order(id)` and `orderUpdated(orderId)`.
 * Named `Order` in the schema, so its ids are `Order:<uuid>` as `orderId` requires with global ids on.
 */
@ObjectType('Order')
export class ProbeOrder {
  @Field(() => ID)
  id: string;

  @Field()
  status: string;

  /** Who loaded it: proves each push runs with the subscriber's own authorization. */
  @Field(() => ID)
  viewerId: string;

  /** How many times this subgraph loaded it: a push that changed nothing else still differs here unless selected away. */
  @Field(() => Int)
  loads: number;
}

/**
 * Order uuids the probe subgraph answers as a contract v1 lookup does (docs/api-conventions.md §2):
 * `hidden` is `null` without an error, `forbidden` is refused; any uuid never set is not found.
 */
export const PROBE_ORDER_UUIDS = {
  hidden: '00000000-0000-4000-8000-000000000001',
  forbidden: '00000000-0000-4000-8000-000000000002',
} as const;

/** Order uuid → status. */
const probeOrders = new Map<string, { status: string; loads: number }>();
let probeChanges: ChangeFeed | undefined;

function loadProbeOrder(id: string, context: RequestContext): ProbeOrder | null {
  const viewer = requireViewer(context);
  if (id === PROBE_ORDER_UUIDS.hidden) return null;
  if (id === PROBE_ORDER_UUIDS.forbidden) throw forbidden();
  const order = probeOrders.get(id);
  if (!order) throw notFound('Order');
  order.loads += 1;
  return { id, status: order.status, viewerId: viewer.id, loads: order.loads };
}

@Resolver(() => ProbeOrder)
export class ProbeOrderResolver {
  @Query(() => ProbeOrder, { nullable: true })
  order(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): ProbeOrder | null {
    return loadProbeOrder(id, context);
  }

  /** Sets an order's status and tells subscribers, as the orders subgraph does after a commit. */
  @Mutation(() => Boolean)
  async setProbeOrderStatus(
    @Arg('id', () => ID) id: string,
    @Arg('status') status: string,
    @Arg('notify', { defaultValue: true }) notify: boolean,
  ): Promise<boolean> {
    probeOrders.set(id, { status, loads: probeOrders.get(id)?.loads ?? 0 });
    if (notify) await probeChanges?.publish(ChangeTopics.order(id));
    return true;
  }

  @Subscription(() => ProbeOrder, {
    subscribe: ({ args, context }) => {
      loadProbeOrder(String(args.orderId), context as RequestContext);
      return changeStream(probeChanges!, ChangeTopics.order(String(args.orderId)));
    },
  })
  orderUpdated(@Arg('orderId', () => ID) orderId: string, @Ctx() context: RequestContext): ProbeOrder {
    const order = loadProbeOrder(orderId, context);
    if (!order) throw notFound('Order');
    return order;
  }
}

@Resolver(() => Probe)
export class ProbeResolver {
  @Query(() => Whoami)
  whoami(@Ctx() context: RequestContext): Whoami {
    return {
      viewerId: context.viewer?.id ?? null,
      role: context.viewer?.role ?? null,
      requestId: context.requestId,
      clientIp: context.clientIp,
    };
  }

  @Query(() => ProbeMe, { nullable: true })
  me(@Ctx() context: RequestContext): ProbeMe | null {
    return context.viewer ? { id: context.viewer.id } : null;
  }

  @Query(() => Probe)
  probe(@Arg('id', () => ID) id: string): Probe {
    return { id, level: 0 };
  }

  /** `kind`: badInput, conflict, forbidden, notFound or crash (an unexpected exception). */
  @Query(() => Boolean, { nullable: true })
  fail(@Arg('kind') kind: string): boolean {
    switch (kind) {
      case 'badInput':
        throw badInput([{ field: 'input.email', message: 'must be an email address' }]);
      case 'conflict':
        throw conflict('That handle is taken', 'NAME_TAKEN', [{ field: 'input.handle', message: 'is taken' }]);
      case 'forbidden':
        throw forbidden();
      case 'notFound':
        throw notFound('Probe');
      default:
        throw new Error('secret internal detail: connection string postgres://admin:hunter2@db');
    }
  }

  @FieldResolver(() => Probe)
  child(@Root() parent: Probe): Probe {
    return { id: `${parent.id}.${parent.level + 1}`, level: parent.level + 1 };
  }
}

export interface ProbeStats {
  /** Requests that reached the subgraph's /graphql, whatever their outcome. */
  graphqlRequests: number;
  /** Requests that reached any other route (the REST edge's fixtures). */
  restRequests: number;
}

export function createProbeSubgraph(): { module: SubgraphModule; stats: ProbeStats } {
  const stats: ProbeStats = { graphqlRequests: 0, restRequests: 0 };
  const module: SubgraphModule = {
    name: 'probe',
    defaultPort: 0,
    entities: [],
    migrations: [],
    resolvers: [ProbeResolver, ProbeOrderResolver],
    wire: ({ changes }) => {
      probeChanges = changes;
      return {
        resolvers: [new ProbeResolver(), new ProbeOrderResolver()],
        references: { Probe: { __resolveReference: (reference: { id: string }) => ({ id: reference.id, level: 0 }) } },
        routes: (app) => {
          app.use((req, _res, next) => {
            if (req.path === '/graphql') stats.graphqlRequests += 1;
            else stats.restRequests += 1;
            next();
          });
          // REST edge fixtures: an upload that hashes what arrives, a large download, a hung endpoint.
          // Also under /uploads, so the gateway's artifact body limit is exercised on its real route.
          app.put(['/files/:name', '/uploads/:name', '/media/probe/uploads/:name'], (req, res) => {
            const hash = createHash('sha256');
            let size = 0;
            req.on('data', (chunk: Buffer) => {
              size += chunk.length;
              hash.update(chunk);
            });
            req.on('end', () =>
              res.status(201).json({
                name: req.params.name,
                query: req.query,
                size,
                sha256: hash.digest('hex'),
                headers: req.headers,
              }),
            );
          });
          app.get(['/files/:name', '/media/probe/:id/:name'], (req, res) => {
            const size = Number(req.query.size ?? 1024);
            res.setHeader('content-type', 'application/octet-stream');
            res.setHeader('x-probe-file', req.params.name);
            res.end(Buffer.alloc(size, 7));
          });
          app.get('/files-hang', () => undefined);
          app.post('/webhooks/stripe', (_req, res) => void res.json({ received: true }));
        },
      };
    },
  };
  return { module, stats };
}
