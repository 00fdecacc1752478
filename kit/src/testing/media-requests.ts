import type { TestSubgraph } from './subgraph';

/** A media URL handed out for the gateway, sent to the subgraph itself (as the gateway's REST edge forwards it). */
function onSubgraph(subgraph: TestSubgraph, url: string): string {
  const { pathname } = new URL(url);
  return `${subgraph.subgraph.url.replace(/\/graphql$/, '')}${pathname}`;
}

/** PUTs `body` to an upload URL on the subgraph; answers the status and the JSON body. */
export async function putMedia(subgraph: TestSubgraph, uploadUrl: string, body: Buffer) {
  const response = await fetch(onSubgraph(subgraph, uploadUrl), { method: 'PUT', body: new Uint8Array(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** GETs a media file from the subgraph: the status, the headers and the bytes. */
export async function getMedia(subgraph: TestSubgraph, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(onSubgraph(subgraph, url), { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}
