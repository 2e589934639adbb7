// node --test tools/deploy/check-kong-routes.test.mjs
// The route check against a hand-built OpenAPI document that mirrors the orchestrator's routes,
// with kong/kong.yml as it is and with routes broken on purpose.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { checkRoutes, pathMatches } from './check-kong-routes.mjs';

const kong = () => parse(readFileSync(new URL('../../kong/kong.yml', import.meta.url), 'utf8'));

const operations = {
  '/analyze-text': ['post'],
  '/analyze-audio': ['post'],
  '/health': ['get'],
  '/health/live': ['get'],
  '/health/ready': ['get'],
  '/docs': ['get'],
  '/docs-json': ['get'],
  '/executions': ['get'],
  '/executions/{id}': ['get'],
  '/admin/config': ['get'],
  '/admin/config/reload': ['post'],
  '/metrics': ['get'],
  '/catalog/get-product-overview/{product_id}': ['get'],
  '/products/{product_id}': ['get'],
  '/customers/get-customer-profile/{customer_id}': ['get'],
  '/feedback/analyze-feedback': ['post'],
  '/customers/{customer_id}/voice-feedback': ['post'],
  '/composites/credit-limit/{customer_id}': ['get'],
};
const openApi = {
  openapi: '3.0.0',
  paths: Object.fromEntries(
    Object.entries(operations).map(([path, methods]) => [
      path,
      Object.fromEntries(methods.map((m) => [m, {}])),
    ]),
  ),
};
const routesOf = (config) => config.services.find((service) => service.name === 'orchestrator').routes;

test('kong/kong.yml routes every public operation and no internal one', () => {
  const result = checkRoutes(openApi, kong());
  assert.deepEqual(result.missing, []);
  assert.deepEqual(result.exposed, []);
  assert.equal(result.publicOps.length, 15);
  assert.ok(result.internalOps.some((op) => op.path === '/metrics'));
});

test('a public operation without a route is reported', () => {
  const config = kong();
  const routes = routesOf(config);
  routes.splice(
    routes.findIndex((route) => route.name === 'executions'),
    1,
  );
  const { missing } = checkRoutes(openApi, config);
  assert.deepEqual(missing, [
    { method: 'GET', path: '/executions' },
    { method: 'GET', path: '/executions/{id}' },
  ]);
});

test('a route with the wrong method does not count', () => {
  const config = kong();
  routesOf(config).find((route) => route.name === 'analyze-text').methods = ['GET'];
  assert.deepEqual(checkRoutes(openApi, config).missing, [{ method: 'POST', path: '/analyze-text' }]);
});

test('a route to an internal operation is reported, even when the document omits them', () => {
  const config = kong();
  routesOf(config).push({ name: 'too-much', paths: ['/'] });
  const withoutAdmin = { paths: { '/health': { get: {} } } };
  const { exposed } = checkRoutes(withoutAdmin, config);
  assert.deepEqual(
    exposed.map((op) => `${op.method} ${op.path} ${op.routes}`),
    ['GET /admin/config too-much', 'POST /admin/config/reload too-much', 'GET /metrics too-much'],
  );
});

test('regex paths are anchored at the start, as Kong anchors them', () => {
  assert.equal(pathMatches('~/health$', '/health'), true);
  assert.equal(pathMatches('~/health$', '/health/live'), false);
  assert.equal(pathMatches('~/health$', '/x/health'), false);
  assert.equal(pathMatches('~/executions/[^/]+$', '/executions/1'), true);
  assert.equal(pathMatches('/catalog/', '/catalog/get-product-overview/1'), true);
  assert.equal(pathMatches('/catalog/', '/catalogue'), false);
});
