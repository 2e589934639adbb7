import type { ProductDto, ReviewDto, StockDto, SupplierDto } from './catalog.dto';

/**
 * The demo shop's catalog: a few home-goods products, their suppliers, customer reviews (happy
 * and unhappy ones, in English, for sentiment analysis) and the stock of every variant. Contact
 * details are fictional (`.example` domains, reserved numbers).
 *
 * Two products are there to show how composite endpoints cope with real-world gaps:
 * prd-1005 is sold out in every variant, and prd-1006 comes from a supplier the catalog no
 * longer lists (its supplier is a 404) and has no reviews yet.
 */
export interface CatalogData {
  products: readonly ProductDto[];
  suppliers: readonly SupplierDto[];
  reviews: readonly ReviewDto[];
  stock: readonly StockDto[];
}

export const DEMO_CATALOG: CatalogData = {
  products: [
    {
      id: 'prd-1001',
      name: 'Oak Desk Lamp',
      description: 'A solid oak desk lamp with a warm 2700 K LED and a hinged arm.',
      category: 'lighting',
      supplier_id: 'sup-nordlys',
      price: 89,
      currency: 'EUR',
      variants: [
        { sku: 'LMP-OAK-WHT', name: 'White linen shade' },
        { sku: 'LMP-OAK-BLK', name: 'Black linen shade' },
      ],
    },
    {
      id: 'prd-1002',
      name: 'Stoneware Mug Set',
      description: 'Four hand-glazed 350 ml stoneware mugs, dishwasher and microwave safe.',
      category: 'kitchen',
      supplier_id: 'sup-alba',
      price: 34.5,
      currency: 'EUR',
      variants: [
        { sku: 'MUG-4-SAND', name: 'Sand glaze' },
        { sku: 'MUG-4-SLATE', name: 'Slate glaze' },
      ],
    },
    {
      id: 'prd-1003',
      name: 'Pour-Over Coffee Kettle',
      description: 'A 0.7 l gooseneck kettle for slow, precise pour-over brewing; works on induction.',
      category: 'kitchen',
      supplier_id: 'sup-kettle',
      price: 59.9,
      currency: 'EUR',
      variants: [
        { sku: 'KTL-07-STEEL', name: 'Brushed steel' },
        { sku: 'KTL-07-COPPER', name: 'Copper finish' },
      ],
    },
    {
      id: 'prd-1004',
      name: 'Linen Throw Blanket',
      description: 'A stonewashed European linen throw, 130 x 170 cm, with fringed edges.',
      category: 'textiles',
      supplier_id: 'sup-verde',
      price: 79,
      currency: 'EUR',
      variants: [
        { sku: 'THR-LIN-OAT', name: 'Oatmeal' },
        { sku: 'THR-LIN-SAGE', name: 'Sage' },
        { sku: 'THR-LIN-CHAR', name: 'Charcoal' },
      ],
    },
    {
      id: 'prd-1005',
      name: 'Ceramic Table Lamp',
      description: 'A hand-thrown ceramic lamp base with a cotton drum shade.',
      category: 'lighting',
      supplier_id: 'sup-alba',
      price: 119,
      currency: 'EUR',
      variants: [
        { sku: 'LMP-CER-BLUE', name: 'Cobalt blue' },
        { sku: 'LMP-CER-WHITE', name: 'Matte white' },
      ],
    },
    {
      id: 'prd-1006',
      name: 'Walnut Serving Board',
      description: 'An end-grain walnut board, 45 x 25 cm, finished with food-safe oil.',
      category: 'kitchen',
      supplier_id: 'sup-hollow',
      price: 64,
      currency: 'EUR',
      variants: [{ sku: 'BRD-WAL-45', name: '45 cm' }],
    },
  ],
  suppliers: [
    {
      id: 'sup-nordlys',
      name: 'Nordlys Lighting AB',
      country: 'SE',
      email: 'orders@nordlys.example',
      phone: '+46 8 555 010 20',
      lead_time_days: 6,
    },
    {
      id: 'sup-alba',
      name: 'Alba Ceramics S.L.',
      country: 'ES',
      email: 'ventas@alba-ceramics.example',
      phone: '+34 955 000 142',
      lead_time_days: 10,
    },
    {
      id: 'sup-kettle',
      name: 'Kettle & Grain Ltd',
      country: 'GB',
      email: 'trade@kettleandgrain.example',
      phone: '+44 20 7946 0321',
      lead_time_days: 4,
    },
    {
      id: 'sup-verde',
      name: 'Casa Verde Têxteis Lda',
      country: 'PT',
      email: 'hello@casaverde.example',
      phone: '+351 21 000 0457',
      lead_time_days: 12,
    },
  ],
  reviews: [
    {
      id: 'rev-5001',
      product_id: 'prd-1001',
      author: 'Maria L.',
      rating: 5,
      text: 'Absolutely love this lamp. The warm light is perfect for reading and the oak looks beautiful on my desk.',
      created_at: '2025-03-14T09:12:00Z',
    },
    {
      id: 'rev-5002',
      product_id: 'prd-1001',
      author: 'Tom B.',
      rating: 2,
      text: 'The switch broke after two weeks and support took ages to answer. Disappointing for the price.',
      created_at: '2025-02-27T18:40:00Z',
    },
    {
      id: 'rev-5003',
      product_id: 'prd-1001',
      author: 'Aiko S.',
      rating: 4,
      text: 'Great lamp, sturdy and easy to adjust. The shade is a little smaller than I expected.',
      created_at: '2025-01-09T12:05:00Z',
    },
    {
      id: 'rev-5004',
      product_id: 'prd-1001',
      author: 'Daniel K.',
      rating: 5,
      text: 'Excellent build quality and a lovely soft glow. Worth every cent.',
      created_at: '2024-12-02T20:31:00Z',
    },
    {
      id: 'rev-5005',
      product_id: 'prd-1002',
      author: 'Priya N.',
      rating: 5,
      text: 'Gorgeous mugs with a wonderful glaze. They feel great in the hand and keep coffee hot.',
      created_at: '2025-03-02T07:45:00Z',
    },
    {
      id: 'rev-5006',
      product_id: 'prd-1002',
      author: 'Lukas W.',
      rating: 1,
      text: 'Two of the four mugs arrived cracked and the box was badly damaged. Terrible packaging.',
      created_at: '2025-02-11T15:20:00Z',
    },
    {
      id: 'rev-5007',
      product_id: 'prd-1002',
      author: 'Chloe R.',
      rating: 4,
      text: 'Nice set and good value. The slate colour is darker than in the photos, but I like it.',
      created_at: '2024-11-23T10:02:00Z',
    },
    {
      id: 'rev-5008',
      product_id: 'prd-1003',
      author: 'Sam O.',
      rating: 5,
      text: 'The best kettle I have owned. The pour is smooth and precise, and it heats fast on induction.',
      created_at: '2025-03-10T06:58:00Z',
    },
    {
      id: 'rev-5009',
      product_id: 'prd-1003',
      author: 'Elena M.',
      rating: 2,
      text: 'The handle gets too hot to hold and the lid rattles. Poor design, I expected better.',
      created_at: '2025-01-30T17:14:00Z',
    },
    {
      id: 'rev-5010',
      product_id: 'prd-1004',
      author: 'Jonas P.',
      rating: 5,
      text: 'So soft and cosy. It gets even better after every wash. Highly recommend it.',
      created_at: '2025-02-19T21:37:00Z',
    },
    {
      id: 'rev-5011',
      product_id: 'prd-1004',
      author: 'Grace H.',
      rating: 3,
      text: 'Pretty colour, but it sheds lint on everything for the first few weeks.',
      created_at: '2025-01-04T13:26:00Z',
    },
    {
      id: 'rev-5012',
      product_id: 'prd-1004',
      author: 'Marco D.',
      rating: 1,
      text: 'Awful. It shrank badly in the first wash and the fringe started to fall apart. A waste of money.',
      created_at: '2024-12-15T08:49:00Z',
    },
    {
      id: 'rev-5013',
      product_id: 'prd-1005',
      author: 'Hannah F.',
      rating: 5,
      text: 'A stunning lamp, the cobalt glaze is beautiful. Sad to see it sold out, I wanted a second one.',
      created_at: '2025-02-05T19:03:00Z',
    },
    {
      id: 'rev-5014',
      product_id: 'prd-1005',
      author: 'Omar A.',
      rating: 2,
      text: 'The base wobbles and the cord is far too short. Not happy with it.',
      created_at: '2024-10-28T11:11:00Z',
    },
  ],
  stock: [
    { sku: 'LMP-OAK-WHT', available: 14 },
    { sku: 'LMP-OAK-BLK', available: 0 },
    { sku: 'MUG-4-SAND', available: 52 },
    { sku: 'MUG-4-SLATE', available: 7 },
    { sku: 'KTL-07-STEEL', available: 0 },
    { sku: 'KTL-07-COPPER', available: 3 },
    { sku: 'THR-LIN-OAT', available: 9 },
    { sku: 'THR-LIN-SAGE', available: 0 },
    { sku: 'THR-LIN-CHAR', available: 21 },
    { sku: 'LMP-CER-BLUE', available: 0 },
    { sku: 'LMP-CER-WHITE', available: 0 },
    { sku: 'BRD-WAL-45', available: 5 },
  ],
};
