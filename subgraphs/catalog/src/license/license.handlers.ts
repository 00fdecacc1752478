import { Events, eventHandler } from '@marketplace/kit';
import type { LicenseService } from './license.service';

/** licensing → catalog: a license was issued, so its owner may review the product; revoked, so no longer. */
export const licenseHandlers = (licenses: LicenseService) => [
  eventHandler('record-license-issued', Events.LicenseIssued, async ({ payload, occurredAt }, { manager, log }) => {
    const recorded = await licenses.issued(manager, payload, occurredAt);
    log.info({ licenseId: payload.licenseId, productId: payload.productId, recorded }, 'license recorded');
  }),
  eventHandler('record-license-revoked', Events.LicenseRevoked, async ({ payload, occurredAt }, { manager, log }) => {
    const revoked = await licenses.revoked(manager, payload, occurredAt);
    log.info({ licenseId: payload.licenseId, productId: payload.productId, revoked }, 'license revoked');
  }),
];
