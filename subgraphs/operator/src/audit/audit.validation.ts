import { AuditAction, InputCheck, parseGlobalId } from '@marketplace/kit';
import type { AuditLogFilter } from './audit.inputs';

/** As the `audit.recorded` event allows them (kit/src/contracts/event-catalog.ts). */
const TARGET_TYPE_PATTERN = /^[A-Z][A-Za-z]{0,63}$/;
const TARGET_ID_MAX_LENGTH = 200;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** What `auditLog` filters on, checked, in the form the table holds it. */
export interface AuditQuery {
  actorUserId: string | null;
  targetType: string | null;
  targetId: string | null;
  action: AuditAction | null;
  from: Date | null;
  to: Date | null;
}

/**
 * The filter's fields, checked together (BAD_USER_INPUT names every problem). A global
 * `targetId` stands for its type and uuid, as the table records them; a `targetType` given
 * beside it must be the same type.
 */
export function checkAuditFilter(filter: AuditLogFilter | null | undefined): AuditQuery {
  const check = new InputCheck();
  let targetType = filter?.targetType ?? null;
  let targetId = filter?.targetId ?? null;
  if (targetType !== null && !TARGET_TYPE_PATTERN.test(targetType))
    check.add('filter.targetType', 'must be a type name, e.g. Payout');
  if (targetId !== null) {
    const global = parseGlobalId(targetId);
    if (global) {
      if (targetType !== null && targetType !== global.typename)
        check.add('filter.targetId', `is an id of type ${global.typename}, not ${targetType}`);
      targetType = global.typename;
      targetId = global.uuid;
    } else if (targetId.length === 0 || targetId.length > TARGET_ID_MAX_LENGTH || CONTROL_CHARACTERS.test(targetId)) {
      check.add('filter.targetId', `must be 1 to ${TARGET_ID_MAX_LENGTH} characters without control characters`);
    }
  }
  const from = filter?.from ?? null;
  const to = filter?.to ?? null;
  if (from && to && from.getTime() > to.getTime()) check.add('filter.to', 'must not be before filter.from');
  check.done();
  return { actorUserId: filter?.actorId ?? null, targetType, targetId, action: filter?.action ?? null, from, to };
}
