import type { IncomingMessage } from 'node:http';

const ROUTE_TEMPLATE = Symbol('routeTemplate');

type Routed = IncomingMessage & { route?: { path?: unknown }; [ROUTE_TEMPLATE]?: string };

/**
 * Names the route that serves `req` when Express does not know it: a route matched outside
 * Express's router (the engine's YAML endpoints, which change with every reload).
 */
export function noteRouteTemplate(req: IncomingMessage, template: string): void {
  (req as Routed)[ROUTE_TEMPLATE] = template;
}

/**
 * A route that takes every path (`/{*path}`: Nest's not-found handler, middleware mounted
 * everywhere) names no route.
 */
const CATCH_ALL = /^\/?(?:\{\*\w*\}|\*\w*)$/;

/**
 * The template of the route that served `req` (`/executions/:id`), never its concrete path, so
 * that logs and metrics group by it; undefined while no route has taken the request (or none did).
 */
export function routeTemplateOf(req: IncomingMessage): string | undefined {
  const routed = req as Routed;
  if (routed[ROUTE_TEMPLATE] !== undefined) return routed[ROUTE_TEMPLATE];
  const expressRoute = routed.route?.path;
  return typeof expressRoute === 'string' && !CATCH_ALL.test(expressRoute) ? expressRoute : undefined;
}
