import { readFileSync } from 'node:fs';
import { GraphQLObjectType, buildSchema, getNamedType, getNullableType, isNonNullType, parse, print } from 'graphql';
import { DEFAULT_SUPERGRAPH_PATH } from '../config';
import { ChangeTopics, globalId } from '@marketplace/kit';
import { LIVE_FIELDS } from './live-fields';
import { toLiveQuery } from './live-query';

/** The committed supergraph (its join directives are declared in it, so it builds as plain SDL). */
const api = buildSchema(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'));

it('serves every Subscription field of the supergraph as the live form of a query field of the same type', () => {
  const subscriptionFields = Object.values(api.getSubscriptionType()?.getFields() ?? {});
  expect(subscriptionFields.map((field) => field.name).sort()).toEqual(Object.keys(LIVE_FIELDS).sort());
  for (const field of subscriptionFields) {
    const live = LIVE_FIELDS[field.name];
    const root = api.getQueryType()!.getFields()[live.queryField];
    expect(root).toBeDefined();
    // A nested field (`me { newestNotification }`) is a field of the root field's type.
    const query = live.nestedField
      ? (getNamedType(root.type) as GraphQLObjectType).getFields()[live.nestedField]
      : root;
    expect(query).toBeDefined();
    expect(String(getNullableType(query.type))).toBe(String(getNullableType(field.type)));
    for (const argument of field.args) {
      const target = query.args.find((candidate) => candidate.name === live.arguments[argument.name]);
      expect([argument.name, String(target?.type)]).toEqual([argument.name, String(argument.type)]);
    }
    // Every required argument of the query field is fed by one of the subscription's.
    const fed = new Set([...Object.values(live.arguments), ...(live.notice ? [live.notice.argument] : [])]);
    expect(
      query.args
        .filter((argument) => isNonNullType(argument.type) && !fed.has(argument.name))
        .map((argument) => argument.name),
    ).toEqual([]);
  }
});

it('follows the topic subgraphs announce on (the uuid) whether the subscriber names a global id or a bare uuid', () => {
  const uuid = '0b7e6c1e-4f7a-4c39-9a55-0e1f2a3b4c5d';
  expect(LIVE_FIELDS.orderUpdated.topic({ orderId: globalId('Order', uuid) }, null)).toBe(ChangeTopics.order(uuid));
  expect(LIVE_FIELDS.orderUpdated.topic({ orderId: uuid }, null)).toBe(ChangeTopics.order(uuid));
});

it("follows the subscriber's own topic for the viewer's notifications, and none when signed out", () => {
  const uuid = '0b7e6c1e-4f7a-4c39-9a55-0e1f2a3b4c5d';
  expect(LIVE_FIELDS.notificationAdded.topic({}, { id: uuid })).toBe(ChangeTopics.notifications(uuid));
  expect(LIVE_FIELDS.notificationAdded.topic({}, null)).toBeNull();
});

it("rewrites notificationAdded as the viewer's notification named by each notice, and refuses a signed-out subscriber", () => {
  const document = parse('subscription Bell { added: notificationAdded { id kind } }');
  const viewer = { id: '0b7e6c1e-4f7a-4c39-9a55-0e1f2a3b4c5d' };
  const live = toLiveQuery(api, document, undefined, {}, viewer);
  expect(live.topic).toBe(ChangeTopics.notifications(viewer.id));
  expect(live.pushesCurrent).toBe(false);
  expect(print(parse(live.query))).toBe(
    print(
      parse(
        'query Bell($liveNoticeSubjectId: ID!) { added: me { added: notification(notificationId: $liveNoticeSubjectId) { id kind } } }',
      ),
    ),
  );
  const notice = '1c9e6c1e-4f7a-4c39-9a55-0e1f2a3b4c5d';
  expect(live.noticeVariables!(notice)).toEqual({ liveNoticeSubjectId: globalId('Notification', notice) });
  // The nested answer moves up to the subscription's key, errors' paths with it.
  expect(live.payloadOf({ data: { added: { added: { id: 'N' } } } })).toEqual({ data: { added: { id: 'N' } } });
  expect(live.payloadOf({ data: { added: null } })).toEqual({ data: { added: null } });
  expect(() => toLiveQuery(api, document, undefined, {}, null)).toThrow(
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
  );
});
