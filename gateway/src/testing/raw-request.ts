import { IncomingHttpHeaders, OutgoingHttpHeaders, request } from 'node:http';

export interface RawAnswer {
  status: number;
  /** Whether the server sent `100 Continue` first. */
  continued: boolean;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RawRequest {
  method?: string;
  /** Sent exactly as written (like `curl --path-as-is`): fetch would resolve `..` before sending. */
  path: string;
  headers?: OutgoingHttpHeaders;
  /** Absent: no body. */
  body?: string | Buffer;
  /** Send the headers (with their Content-Length) and never the body. With `Expect: 100-continue`, the body waits for the 100. */
  withholdBody?: boolean;
}

/** One HTTP/1.1 request to `baseUrl`'s host and port with a raw request target. */
export function rawRequest(
  baseUrl: string,
  { method = 'GET', path, headers = {}, body, withholdBody = false }: RawRequest,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const waitsForContinue = String(headers.expect ?? '').toLowerCase() === '100-continue';
  return new Promise((resolve, reject) => {
    let continued = false;
    const outgoing = request({ host: hostname, port, method, path, headers, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: answer.statusCode ?? 0, continued, headers: answer.headers, text });
        outgoing.destroy();
      });
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.on('continue', () => {
      continued = true;
      if (waitsForContinue && !withholdBody) outgoing.end(body);
    });
    if (withholdBody || waitsForContinue) outgoing.flushHeaders();
    else outgoing.end(body);
  });
}

/** The parsed body of a JSON answer. */
export function jsonOf<T = { errors?: { message: string; extensions?: { code?: string } }[] }>(answer: RawAnswer): T {
  return JSON.parse(answer.text) as T;
}
