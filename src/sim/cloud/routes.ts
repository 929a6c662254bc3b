// Which API resource a path names. Product paths (/v1/products/:p/...) map to
// the same resources: every simulated board counts as a member of any product.
// /v1/devices/:id/:name is a cloud function (POST), unless the name is `events`.
export type Route =
  | { kind: 'device-list'; product: string | undefined }
  | { kind: 'device'; device: string; product: string | undefined }
  | { kind: 'function'; device: string; name: string; product: string | undefined }
  | { kind: 'events'; device: string | undefined; prefix: string | undefined; product: string | undefined };

/**
 * Parses a request path (without query). Returns undefined for paths the
 * local cloud does not serve. Event name prefixes may contain slashes, raw
 * (`/events/spark/flash`) or encoded (`/events/spark%2Fflash`, as particle-api-js sends them).
 */
export function parseRoute(pathname: string): Route | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  } catch {
    return undefined; // malformed percent-encoding
  }
  if (segments.shift() !== 'v1') return undefined;
  let product: string | undefined;
  if (segments[0] === 'products') {
    product = segments[1];
    if (product === undefined) return undefined;
    segments = segments.slice(2);
  }
  const [head, second, third] = segments;
  if (head === 'events') return eventsRoute(undefined, segments.slice(1), product);
  if (head !== 'devices') return undefined;
  if (second === undefined) return { kind: 'device-list', product };
  if (second === 'events') return eventsRoute(undefined, segments.slice(2), product);
  if (third === undefined) return { kind: 'device', device: second, product };
  if (third === 'events') return eventsRoute(second, segments.slice(3), product);
  if (segments.length === 3) return { kind: 'function', device: second, name: third, product };
  return undefined;
}

function eventsRoute(device: string | undefined, rest: string[], product: string | undefined): Route {
  const prefix = rest.join('/');
  return { kind: 'events', device, prefix: prefix === '' ? undefined : prefix, product };
}
