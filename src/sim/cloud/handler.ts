// One API request: read the body where there is one, check the token (from
// the header, the query string or the form), then serve the route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestToken, type TokenSet } from './auth.js';
import { readForm, type FormFields } from './body.js';
import { deviceDetail, deviceSummary } from './device-view.js';
import type { EventFilter } from './event-hub.js';
import type { EventStreams } from './events.js';
import { handleFlash } from './flash.js';
import { handleFunctionCall } from './function.js';
import type { BoardRegistry } from './registry.js';
import { apiError, sendJson } from './api-reply.js';
import { parseRoute, type Route } from './routes.js';

export interface HandlerContext {
  tokens: TokenSet;
  maxBody: number;
  registry: BoardRegistry;
  streams: EventStreams;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createRequestHandler(ctx: HandlerContext): RequestHandler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://cloud.local');
    let token = requestToken(req, url);
    let fields: FormFields | undefined;
    if (req.method === 'PUT' || req.method === 'POST') {
      const body = await readForm(req, ctx.maxBody);
      if (!body.ok) {
        if (body.reason === 'too-large') apiError.tooLarge(res, ctx.maxBody);
        else apiError.badRequest(res, `Unreadable request body: ${body.message}`);
        return;
      }
      fields = body.fields;
      const formToken = fields.get('access_token');
      if (token === undefined && typeof formToken === 'string') token = formToken;
    }
    if (!ctx.tokens.accepts(token)) return apiError.invalidToken(res, token === undefined);
    const route = parseRoute(url.pathname);
    if (!route) return apiError.notFound(res);
    const allowed = route.kind === 'device' ? ['GET', 'PUT'] : route.kind === 'function' ? ['POST'] : ['GET'];
    if (!allowed.includes(req.method ?? '')) return apiError.methodNotAllowed(res, allowed);
    return serve(ctx, route, req, res, fields);
  };
}

async function serve(ctx: HandlerContext, route: Route, req: IncomingMessage, res: ServerResponse, fields: FormFields | undefined): Promise<void> {
  if (route.kind === 'device-list') {
    const devices = ctx.registry.list().map(deviceSummary);
    // Product device lists are paged objects; the user's list is a bare array.
    if (route.product !== undefined) return sendJson(res, 200, { devices, customers: [], meta: { total_pages: 1 } });
    return sendJson(res, 200, devices);
  }
  const entry = route.device === undefined ? undefined : ctx.registry.find(route.device);
  if (route.device !== undefined && !entry) return apiError.unknownDevice(res);
  if (route.kind === 'events') {
    const filter: EventFilter = {};
    if (route.prefix !== undefined) filter.prefix = route.prefix;
    if (entry) filter.deviceId = entry.board.id;
    return ctx.streams.open(req, res, filter);
  }
  if (!entry) return apiError.unknownDevice(res);
  if (route.kind === 'function') return handleFunctionCall(res, entry, route.name, fields ?? new Map());
  if (req.method === 'PUT') return handleFlash(res, entry, fields ?? new Map());
  return sendJson(res, 200, deviceDetail(entry));
}
