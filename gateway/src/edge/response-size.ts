import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './request-context';

export const RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE';

/**
 * The last line behind the cost limit: a response whose JSON is over `maxBytes` is not sent;
 * the client gets one RESPONSE_TOO_LARGE error instead (status unchanged, no partial data).
 * It runs on every answer, cached ones and those pushed over WebSocket included (they go
 * through `executeOperation`). The cost limit keeps such answers rare; this one bounds what
 * a single answer can take from the network and the client whatever the estimate missed
 * (long descriptions, lists fuller than assumed). Errors here are already formatted.
 */
export function responseSizePlugin(maxBytes: number): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const bytes = Buffer.byteLength(JSON.stringify(response.body.singleResult));
          if (bytes <= maxBytes) return;
          contextValue.log.warn({ bytes, max: maxBytes }, 'response over the size limit refused');
          response.body.singleResult = {
            errors: [
              {
                message: `The response is ${bytes} bytes, over the limit of ${maxBytes}: ask for smaller pages or fewer fields`,
                extensions: { code: RESPONSE_TOO_LARGE, limit: 'responseBytes', bytes, max: maxBytes },
              },
            ],
          };
        },
      };
    },
  };
}
