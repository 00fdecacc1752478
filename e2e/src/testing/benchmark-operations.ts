/**
 * The operations frontends send, as the performance issue's benchmark lists them; every
 * list's page size is the variable `$first`.
 */
export interface BenchmarkOperation {
  /** Also the GraphQL operation name, so the gateway's subgraph fetches are named `<name>__<subgraph>__<n>`. */
  name: string;
  title: string;
  query: string;
  /** The list whose length is the page size, from the response's data. */
  page(data: any): unknown[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const STOREFRONT: BenchmarkOperation = {
  name: 'Storefront',
  title: 'storefront (no filter)',
  query: `query Storefront($first: Int!) {
    products(first: $first) {
      edges { node { id name price { amount currency } rating reviewCount vendor { displayName } category { name } coverImage { thumbnail(width: 480) alt } } }
      totalCount
    }
  }`,
  page: (data) => data.products.edges,
};

/** The storefront with the wishlist marks (issue 22): the viewer's own and the public count, per product. */
export const STOREFRONT_WISHLIST: BenchmarkOperation = {
  name: 'StorefrontWishlist',
  title: 'storefront with wishlist marks',
  query: `query StorefrontWishlist($first: Int!) {
    products(first: $first) {
      edges { node { id name price { amount currency } inMyWishlist wishlistCount } }
      totalCount
    }
  }`,
  page: (data) => data.products.edges,
};

export const STOREFRONT_SEARCH: BenchmarkOperation = {
  name: 'StorefrontSearch',
  title: 'storefront search',
  query: `query StorefrontSearch($first: Int!, $search: String!) {
    products(filter: { search: $search }, first: $first) {
      edges { node { id name price { amount currency } rating reviewCount vendor { displayName } category { name } } }
      totalCount
    }
  }`,
  page: (data) => data.products.edges,
};

/** The search with its facets (issue 22): counts by category, kind, price band, rating band and vendor. */
export const STOREFRONT_FACETS: BenchmarkOperation = {
  name: 'StorefrontFacets',
  title: 'storefront search with facets',
  query: `query StorefrontFacets($first: Int!, $search: String!) {
    products(filter: { search: $search }, first: $first) {
      edges { node { id name price { amount currency } rating reviewCount } }
      totalCount
      facets {
        categories { category { id name slug } productCount }
        kinds { kind productCount }
        priceBands { min { amount currency } max { amount currency } productCount }
        ratingBands { minRating productCount }
        vendors { vendor { id displayName } productCount }
      }
    }
  }`,
  page: (data) => data.products.edges,
};

/** Suggestions as a shopper types (issue 22): products, categories and vendors; `$first` is how many. */
export const SEARCH_SUGGESTIONS: BenchmarkOperation = {
  name: 'SearchSuggestions',
  title: 'search suggestions',
  query: `query SearchSuggestions($prefix: String!, $first: Int!) {
    searchSuggestions(prefix: $prefix, first: $first) {
      kind text
      product { id slug price { amount currency } }
      category { id slug }
      vendor { id displayName }
    }
  }`,
  page: (data) => data.searchSuggestions,
};

export const PRODUCT_PAGE: BenchmarkOperation = {
  name: 'ProductPage',
  title: 'product page',
  query: `query ProductPage($id: ID!, $first: Int!) {
    product(id: $id) {
      name description vendor { displayName } coverImage { thumbnail(width: 1200) alt }
      customersAlsoBought(first: 4) { id name price { amount currency } }
      reviews(first: $first) { edges { node { rating body owner { displayName } } } }
    }
  }`,
  page: (data) => data.product.reviews.edges,
};

export const MY_ORDERS: BenchmarkOperation = {
  name: 'MyOrders',
  title: 'my orders',
  query: `query MyOrders($first: Int!) {
    me { orders(first: $first) {
      edges { node {
        number status total { amount currency }
        items { name product { name } vendor { displayName } }
        licenses { key status }
        payments { status }
      } }
    } }
  }`,
  page: (data) => data.me.orders.edges,
};

export const VENDOR_DASHBOARD: BenchmarkOperation = {
  name: 'VendorDashboard',
  title: 'vendor dashboard',
  query: `query VendorDashboard($first: Int!) {
    me { vendor {
      balance { available { amount } pending { amount } }
      stats(period: LAST_30_DAYS) { saleCount gross { amount } topProducts { name product { name } } }
      ledger(first: $first) { edges { node { kind amount { amount } order { id } product { name } } } }
    } }
  }`,
  page: (data) => data.me.vendor.ledger.edges,
};

/**
 * The checkout mutation as a frontend sends it. Replayed with the same idempotency key it
 * returns the same order, which is what lets a benchmark send it over and over.
 */
export const CHECKOUT: BenchmarkOperation = {
  name: 'Checkout',
  title: 'checkout (idempotent replay)',
  query: `mutation Checkout($key: String!) {
    checkout(input: { idempotencyKey: $key, billing: { name: "Test Buyer", country: "US" } }) {
      order {
        id number status total { amount currency }
        items { name unitPrice { amount currency } product { name } vendor { displayName } }
      }
      cart { id itemCount }
    }
  }`,
  page: (data) => data.checkout.order.items,
};

export const BENCHMARK_OPERATIONS = [STOREFRONT, STOREFRONT_SEARCH, PRODUCT_PAGE, MY_ORDERS, VENDOR_DASHBOARD];
