import { Events, eventHandler } from '@marketplace/kit';
import type { DataExportService } from './data-export.service';

/** every subgraph → users: one part of a data export; the last one assembles the document. */
export const collectDataExportPart = (exports: DataExportService) =>
  eventHandler('collect-data-export-part', Events.UserDataExportPart, async ({ payload }, { manager, log }) => {
    const assembled = await exports.receivePart(manager, payload);
    log.info({ exportId: payload.exportId, subgraph: payload.subgraph, assembled }, 'data export part received');
  });
