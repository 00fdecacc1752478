import type { ReferenceResolvers } from '@marketplace/kit';
import type { LicenseService } from './license.service';

/** `License` representations from other subgraphs (e.g. orders' subscriptions), batched per request; null unless owner or admin. */
export const licenseReferences = (licenses: LicenseService): ReferenceResolvers => ({
  License: {
    __resolveReference: (reference: { id: string }, context) => licenses.byId(context).load(reference.id),
  },
});
