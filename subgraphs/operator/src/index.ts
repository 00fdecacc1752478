import { SubgraphModule, createBacklogBoard } from '@marketplace/kit';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { auditHandlers } from './audit/audit.handlers';
import { auditReferences } from './audit/audit.reference';
import { deadLetterHandlers } from './dead-letter/dead-letter.handlers';
import { DeadLetterResolver } from './dead-letter/dead-letter.resolver';
import { DeadLetterService } from './dead-letter/dead-letter.service';
import { entityStubReferences } from './entity-stubs';
import { EventBacklogResolver } from './event-backlog/event-backlog.resolver';
import { EventBacklogService, readEventBacklogSettings } from './event-backlog/event-backlog.service';
import { CreateAuditRecords1800500000000 } from './migrations/1800500000000-create-audit-records';
import { CreateDeadLetterRegistry1800600000000 } from './migrations/1800600000000-create-dead-letter-registry';

/**
 * What runs the marketplace behind the storefront: the append-only audit trail every
 * subgraph feeds, and events in trouble (the dead-letter registry, every outbox's backlog).
 */
export const operatorSubgraph: SubgraphModule = {
  name: 'operator',
  defaultPort: 4007,
  entities: [],
  migrations: [CreateAuditRecords1800500000000, CreateDeadLetterRegistry1800600000000],
  resolvers: [AuditResolver, DeadLetterResolver, EventBacklogResolver],
  wire({ db, outbox, env, config }) {
    const audit = new AuditService(db);
    const deadLetters = new DeadLetterService(db, outbox);
    const backlog = new EventBacklogService(
      createBacklogBoard(config),
      readEventBacklogSettings(env, config.events.backlogReportMs),
    );
    return {
      resolvers: [new AuditResolver(audit), new DeadLetterResolver(deadLetters), new EventBacklogResolver(backlog)],
      references: { ...auditReferences(audit), ...entityStubReferences },
      handlers: [...auditHandlers(audit), ...deadLetterHandlers(deadLetters)],
      close: () => backlog.close(),
    };
  },
};
