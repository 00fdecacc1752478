import { ReferenceResolvers, markViewerDependent } from '@marketplace/kit';
import type { ProductService } from './product.service';

/** `Product` entities other subgraphs point at, loaded in one SQL statement per request tick. */
export const productReferences = (products: ProductService): ReferenceResolvers => ({
  Product: {
    __resolveReference: async (reference: { id: string }, context, info) => {
      const product = await products.reference(context, reference.id);
      // A draft resolves for its vendor and admins only (null for everyone else): who asks shapes this answer.
      if (!product || product.publishedAt === null) markViewerDependent(info);
      return product;
    },
  },
});
