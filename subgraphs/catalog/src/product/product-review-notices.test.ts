import { outboxOf, TestSubgraph, uuidOf } from '@marketplace/kit/testing';
import {
  APPROVE_PRODUCT,
  REJECT_PRODUCT,
  REVIEW_NOTICES,
  SUBMIT_PRODUCT,
  TestVendor,
  addVendor,
  admin,
  createProduct,
  startCatalog,
} from '../testing';

/** A product's review tells people what happened (the notifications subgraph follows these events). */
let catalog: TestSubgraph;
let vendor: TestVendor;
let otherVendor: TestVendor;
beforeAll(async () => {
  catalog = await startCatalog();
  vendor = await addVendor(catalog);
  otherVendor = await addVendor(catalog);
});
afterAll(() => catalog.close());

const reviewNoticesOf = async (productId: string) =>
  (await outboxOf(catalog, productId)).filter((e) => REVIEW_NOTICES.includes(e.type));
const codeOf = (result: { errors?: readonly { extensions?: { code?: unknown } }[] }) =>
  result.errors?.[0].extensions?.code ?? 'OK';
const run = (mutation: string, variables: Record<string, unknown>, token: string) =>
  catalog.client.request(mutation, { variables, token });

it("records the submission and each admin's answer with the vendor's user, in the change's transaction", async () => {
  const product = await createProduct(catalog, vendor);
  const productId = product.id;
  expect(codeOf(await run(SUBMIT_PRODUCT, { productId }, vendor.token))).toBe('OK');
  expect(codeOf(await run(REJECT_PRODUCT, { productId, reason: 'Needs screenshots' }, admin()))).toBe('OK');
  expect(codeOf(await run(SUBMIT_PRODUCT, { productId }, vendor.token))).toBe('OK');
  expect(codeOf(await run(APPROVE_PRODUCT, { productId }, admin()))).toBe('OK');
  const base = { productId: uuidOf(productId), vendorId: vendor.vendorId, userId: vendor.userId, name: product.name };
  expect((await reviewNoticesOf(uuidOf(productId))).map((e) => [e.type, e.payload])).toEqual([
    ['product.submitted_for_review', base],
    ['product.moderated', { ...base, slug: product.slug, decision: 'REJECTED', reason: 'Needs screenshots' }],
    ['product.submitted_for_review', base],
    ['product.moderated', { ...base, slug: product.slug, decision: 'APPROVED', reason: null }],
  ]);
});

it('records nothing for a refused transition', async () => {
  const product = await createProduct(catalog, vendor);
  expect(codeOf(await run(APPROVE_PRODUCT, { productId: product.id }, admin()))).toBe('CONFLICT');
  expect(codeOf(await run(SUBMIT_PRODUCT, { productId: product.id }, otherVendor.token))).toBe('NOT_FOUND');
  expect(await reviewNoticesOf(uuidOf(product.id))).toEqual([]);
});
