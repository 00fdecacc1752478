import { SubgraphModule } from '@marketplace/kit';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { auditHandlers } from './audit/audit.handlers';
import { entityStubReferences } from './entity-stubs';
import { CreateAuditRecords1800500000000 } from './migrations/1800500000000-create-audit-records';

/** What runs the marketplace behind the storefront: the append-only audit trail every subgraph feeds. */
export const operatorSubgraph: SubgraphModule = {
  name: 'operator',
  defaultPort: 4007,
  entities: [],
  migrations: [CreateAuditRecords1800500000000],
  resolvers: [AuditResolver],
  wire({ db }) {
    const audit = new AuditService(db);
    return {
      resolvers: [new AuditResolver(audit)],
      references: { ...entityStubReferences },
      handlers: [...auditHandlers(audit)],
    };
  },
};
