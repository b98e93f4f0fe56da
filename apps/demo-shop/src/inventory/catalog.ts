/** One product in the demo catalog. */
export interface Item {
  readonly sku: string;
  readonly name: string;
  readonly stock: number;
  readonly priceCents: number;
}

/** The catalog the inventory serves unless told otherwise. */
export const defaultCatalog: readonly Item[] = [
  { sku: 'kb-001', name: 'Mechanical keyboard', stock: 12, priceCents: 8900 },
  { sku: 'ms-002', name: 'Wireless mouse', stock: 40, priceCents: 2900 },
  { sku: 'mn-003', name: '27" monitor', stock: 3, priceCents: 24900 },
  { sku: 'hd-004', name: 'Headset', stock: 0, priceCents: 5900 },
];
