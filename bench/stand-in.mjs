// The one downstream of `npm run bench:pipeline`, in place of the text service and the catalog
// API: plain node:http on loopback, its own process, the same small JSON answers every time.
//   POST /analyze                        the text service: the body is read, a fixed analysis answered
//   GET  /products/{id}                  { data: product }
//   GET  /suppliers/{id}                 { data: supplier }
//   GET  /products/{id}/reviews?limit=N  { data: the first N of five reviews }
//   GET  /stock/{sku}                    { data: stock }
//   GET  /health                         200, never delayed
// Catalog routes need `Authorization: Bearer <STAND_IN_TOKEN>` (401 otherwise), as the demo
// catalog does. Every route is also served under `/delay/<ms>`, answered that many ms later:
// one process plays the instant and the slow downstream (CATALOG_API_URL=…/delay/20).
//
// `node bench/stand-in.mjs` listens on STAND_IN_PORT (default 3099) at 127.0.0.1.
import { createServer } from 'node:http';

const token = process.env.STAND_IN_TOKEN ?? 'demo-catalog-token';
const port = Number(process.env.STAND_IN_PORT ?? 3099);

// Small bodies shaped like the demo catalog's, not its data: the same whatever the id asked for.
const PRODUCT = {
  id: 'prd-1001',
  name: 'Stand-in product',
  category: 'bench',
  supplier_id: 'sup-nordlys',
  price: 10,
  currency: 'EUR',
  variants: [{ sku: 'STD-1' }, { sku: 'STD-2' }],
};
const SUPPLIER = {
  id: 'sup-nordlys',
  name: 'Stand-in supplier',
  country: 'NO',
  email: 'orders@stand-in.example',
};
const REVIEWS = [5, 2, 4, 5, 3].map((rating, index) => ({
  id: `rev-500${index + 1}`,
  product_id: 'prd-1001',
  rating,
  text: `Stand-in review ${index + 1}.`,
}));
const STOCK = { sku: 'STD-1', available: 12 };
const ANALYSIS = {
  language: { code: 'en', confidence: 0.97, detected: false },
  sentiment: { score: 0.213, label: 'positive' },
  keywords: [
    { term: 'launch', count: 2, score: 0.024 },
    { term: 'team', count: 2, score: 0.024 },
    { term: 'feedback', count: 1, score: 0.012 },
  ],
};

/** Each answer serialised once. */
const json = (body) => Buffer.from(JSON.stringify(body));
const answers = {
  analysis: json(ANALYSIS),
  product: json({ data: PRODUCT }),
  supplier: json({ data: SUPPLIER }),
  stock: json({ data: STOCK }),
  reviews: REVIEWS.map((_, count) => json({ data: REVIEWS.slice(0, count + 1) })),
  health: json({ status: 'ok' }),
  unauthorised: json({ message: 'A bearer token is required' }),
  notFound: json({ message: 'No such route' }),
};

/** [status, body] of a catalog route, its path split at `/`. */
function catalogAnswer([collection, id, sub], query) {
  if (collection === 'products' && id && sub === undefined) return [200, answers.product];
  if (collection === 'products' && id && sub === 'reviews') {
    const limit = Number(new URLSearchParams(query).get('limit'));
    return [200, answers.reviews[(Number.isInteger(limit) && limit >= 1 ? Math.min(limit, 5) : 5) - 1]];
  }
  if (collection === 'suppliers' && id && sub === undefined) return [200, answers.supplier];
  if (collection === 'stock' && id && sub === undefined) return [200, answers.stock];
  return [404, answers.notFound];
}

function answer(req) {
  const [path, query = ''] = (req.url ?? '/').split('?');
  const segments = path.split('/').slice(1);
  let delayMs = 0;
  if (segments[0] === 'delay') {
    delayMs = Number(segments[1]) || 0;
    segments.splice(0, 2);
  }
  if (req.method === 'GET' && segments[0] === 'health' && segments.length === 1)
    return [0, 200, answers.health];
  if (req.method === 'POST' && segments[0] === 'analyze' && segments.length === 1) {
    return [delayMs, 200, answers.analysis];
  }
  if (req.method !== 'GET') return [delayMs, 404, answers.notFound];
  if (req.headers.authorization !== `Bearer ${token}`) return [delayMs, 401, answers.unauthorised];
  return [delayMs, ...catalogAnswer(segments, query)];
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const [delayMs, status, body] = answer(req);
  const send = () =>
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  // The body (a text to analyse) is read whole before the answer, as a real service would.
  req.resume();
  req.once('end', () => (delayMs > 0 ? setTimeout(send, delayMs) : send()));
});
server.listen(port, '127.0.0.1', () => {
  console.log(`stand-in listening on http://127.0.0.1:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
