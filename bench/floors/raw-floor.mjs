// The raw floor of `npm run bench:pipeline`: the orchestrator's three benchmarked routes with
// nothing but node:http and one undici Pool to the stand-in (keep-alive, pipelining 1), each
// downstream answer parsed as JSON and each answer serialised back, as the orchestrator must.
//   POST /analyze-text                                  body forwarded to POST /analyze
//   GET  /products/:id                                  GET /products/:id, its `data`
//   GET  /catalog/product-snapshot/:id?supplier_id=     three calls at once: { product, supplier, reviews }
//   GET  /health/live                                   200
// No validation, no logging. STAND_IN_URL (its path is kept: …/delay/20 for the slow stand-in),
// CATALOG_API_TOKEN, PORT (default 3098) at 127.0.0.1.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const standIn = new URL(process.env.STAND_IN_URL ?? 'http://127.0.0.1:3099');
const prefix = standIn.pathname.replace(/\/+$/, '');
const catalogHeaders = {
  accept: 'application/json',
  authorization: `Bearer ${process.env.CATALOG_API_TOKEN ?? 'demo-catalog-token'}`,
};
// As many connections as the orchestrator's keep-alive agent allows (maxSockets 256).
const pool = new Pool(standIn.origin, { connections: 256, pipelining: 1 });

/** One call of the stand-in: its parsed JSON answer; a non-2xx fails. */
async function call(method, path, body) {
  const response = await pool.request({
    method,
    path: `${prefix}${path}`,
    headers: body === undefined ? catalogHeaders : { 'content-type': 'application/json' },
    body,
  });
  if (response.statusCode < 200 || response.statusCode >= 300) {
    await response.body.dump();
    throw new Error(`the stand-in answered ${response.statusCode} to ${method} ${path}`);
  }
  return response.body.json();
}

const product = async (id) => (await call('GET', `/products/${encodeURIComponent(id)}`)).data;

/** Each route: a pattern on the path, and what it answers. */
const routes = [
  {
    method: 'POST',
    pattern: /^\/analyze-text$/,
    answer: async (_match, _query, body) => call('POST', '/analyze', JSON.stringify(JSON.parse(body))),
  },
  { method: 'GET', pattern: /^\/products\/([^/]+)$/, answer: ([, id]) => product(id) },
  {
    method: 'GET',
    pattern: /^\/catalog\/product-snapshot\/([^/]+)$/,
    answer: async ([, id], query) => {
      const supplierId = encodeURIComponent(query.get('supplier_id') ?? '');
      const [productData, supplier, reviews] = await Promise.all([
        product(id),
        call('GET', `/suppliers/${supplierId}`),
        call('GET', `/products/${encodeURIComponent(id)}/reviews?limit=3`),
      ]);
      return { product: productData, supplier: supplier.data, reviews: reviews.data };
    },
  },
  { method: 'GET', pattern: /^\/health\/live$/, answer: async () => ({ status: 'ok' }) },
];

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  const route = routes.find(({ method, pattern }) => method === req.method && pattern.test(url.pathname));
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  if (!route) return send(res, 404, { message: 'Not found' });
  try {
    send(
      res,
      200,
      await route.answer(
        route.pattern.exec(url.pathname),
        url.searchParams,
        Buffer.concat(chunks).toString(),
      ),
    );
  } catch (error) {
    send(res, 502, { message: error.message });
  }
});
server.listen(Number(process.env.PORT ?? 3098), '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => pool.close().then(() => process.exit(0)));
    server.closeAllConnections();
  });
}
