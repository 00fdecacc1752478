import type { ReferenceResolvers } from '@marketplace/kit';
import type { AuditService } from './audit.service';

/**
 * `AuditRecord` representations (`node(id:)`), loaded in one batch per request tick: the
 * record for admins, null for anyone else (as for a missing one: no error, nothing to probe).
 */
export const auditReferences = (audit: AuditService): ReferenceResolvers => ({
  AuditRecord: {
    __resolveReference: (reference: { id: string }, context) => audit.find(context, reference.id),
  },
});
