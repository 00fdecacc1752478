import { EntityStub, entityStubs } from '@marketplace/kit';

/**
 * Entities other subgraphs own, known here only by their key: a notification belongs to a
 * `User`, who gets `notifications`, `unreadNotificationCount`, `newestNotification` and
 * `notificationPreferences` from this subgraph.
 */
export const { User, references: entityStubReferences } = entityStubs('User');
export type User = EntityStub;
