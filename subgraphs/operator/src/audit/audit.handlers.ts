import { Events, eventHandler } from '@marketplace/kit';
import type { AuditService } from './audit.service';

/** Every subgraph's `audit.recorded`, into the trail: once each (the kit's inbox, then the record's own key). */
export const auditHandlers = (audit: AuditService) => [
  eventHandler('store-audit-record', Events.AuditRecorded, async (event, { manager, log }) => {
    const stored = await audit.store(manager, event);
    if (!stored) log.info({ eventId: event.id }, 'audit record already stored');
  }),
];
