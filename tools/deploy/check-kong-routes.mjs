#!/usr/bin/env node
// Checks kong/kong.yml against the orchestrator's OpenAPI document:
//
//   node tools/deploy/check-kong-routes.mjs <openapi.json> <kong.yml>
//
// - every public operation (method + path) has a Kong route that would take it;
// - no internal operation (under /admin, and /metrics) has one, and neither do /admin/config,
//   /admin/config/reload and /metrics, whether the document lists them or not.
// Kong's matching, as far as this file uses it: a plain path is a prefix of the request path, a
// path starting with `~` is a regular expression anchored at the start; a route without
// `methods` takes every method. Hosts, headers and SNIs are not used here, so not modelled.
// Path templates (`/executions/{id}`) are matched through sample values of their parameters.
// Kong routes that take no documented path are listed as a warning (a prefix kept for YAML
// endpoints to come, or a leftover). Exit status: 0 when both checks pass, 1 otherwise.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/**
 * Operations Kong must never expose: the prefixes (the admin routes; Prometheus' scrape target,
 * read on the compose network), and the internal routes known today.
 */
const INTERNAL_PREFIXES = ['/admin', '/metrics'];
const KNOWN_INTERNAL = [
  { method: 'GET', path: '/admin/config' },
  { method: 'POST', path: '/admin/config/reload' },
  { method: 'GET', path: '/metrics' },
];
/** Values tried for a path parameter: a route matches when one of them does. */
const SAMPLE_VALUES = ['1', 'prd-1001', 'sample_id'];

const isInternal = (path) =>
  INTERNAL_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/** The operations of an OpenAPI document: [{ method: 'GET', path: '/executions/{id}' }]. */
export function openApiOperations(document) {
  const operations = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      if (item[method]) operations.push({ method: method.toUpperCase(), path });
    }
  }
  return operations;
}

/** Every route of a Kong declarative file: nested under services and top-level. */
export function kongRoutes(config) {
  const routes = [];
  for (const service of config.services ?? []) {
    for (const route of service.routes ?? []) routes.push({ ...route, service: service.name });
  }
  for (const route of config.routes ?? []) {
    routes.push({ ...route, service: route.service?.name ?? route.service?.id ?? route.service });
  }
  return routes;
}

/** Concrete paths standing for a template: `{id}` replaced by each sample value. */
export function samplePaths(template) {
  return SAMPLE_VALUES.map((value) => template.replace(/\{[^}/]+\}/g, value));
}

/** Whether Kong path `routePath` takes the concrete request path `path`. */
export function pathMatches(routePath, path) {
  if (routePath.startsWith('~')) {
    // PCRE as Kong writes it; what this file uses is also valid JavaScript.
    return new RegExp(`^(?:${routePath.slice(1)})`).test(path);
  }
  return path.startsWith(routePath);
}

/** The routes that take `method` on template `path` (any of its sample values). */
export function routesTaking(routes, { method, path }) {
  const concrete = samplePaths(path);
  return routes.filter(
    (route) =>
      (!route.methods || route.methods.map((m) => m.toUpperCase()).includes(method)) &&
      (route.paths ?? []).some((routePath) => concrete.some((sample) => pathMatches(routePath, sample))),
  );
}

export function checkRoutes(document, config) {
  const routes = kongRoutes(config);
  const operations = openApiOperations(document);
  const publicOps = operations.filter((op) => !isInternal(op.path));
  const internalOps = operations.filter((op) => isInternal(op.path));
  for (const known of KNOWN_INTERNAL) {
    if (!internalOps.some((op) => op.method === known.method && op.path === known.path))
      internalOps.push(known);
  }
  const missing = publicOps.filter((op) => routesTaking(routes, op).length === 0);
  const exposed = internalOps
    .map((op) => ({ ...op, routes: routesTaking(routes, op).map((route) => route.name) }))
    .filter((op) => op.routes.length > 0);
  const unused = routes
    .filter((route) => !publicOps.some((op) => routesTaking([route], op).length > 0))
    .map((route) => route.name);
  return { publicOps, internalOps, routes, missing, exposed, unused };
}

function main([openApiPath, kongPath]) {
  if (!openApiPath || !kongPath) {
    process.stderr.write('usage: node tools/deploy/check-kong-routes.mjs <openapi.json> <kong.yml>\n');
    process.exit(2);
  }
  const document = JSON.parse(readFileSync(openApiPath, 'utf8'));
  const config = parse(readFileSync(kongPath, 'utf8'));
  const { publicOps, internalOps, routes, missing, exposed, unused } = checkRoutes(document, config);
  for (const op of missing) {
    process.stderr.write(`missing: ${op.method} ${op.path} has no Kong route in ${kongPath}\n`);
  }
  for (const op of exposed) {
    process.stderr.write(
      `exposed: ${op.method} ${op.path} is internal, but Kong routes it (${op.routes.join(', ')})\n`,
    );
  }
  for (const name of unused) {
    process.stderr.write(`warning: Kong route ${name} takes no path of ${openApiPath}\n`);
  }
  const ok = missing.length === 0 && exposed.length === 0;
  process.stdout.write(
    `${ok ? 'ok' : 'FAILED'}: ${publicOps.length} public operations, ${missing.length} without a route; ` +
      `${internalOps.length} internal operations, ${exposed.length} exposed; ${routes.length} Kong routes\n`,
  );
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1]))
  main(process.argv.slice(2));
