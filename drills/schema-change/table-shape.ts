/**
 * Which columns of `orders` the application writes and reads. Each online migration moves it step by step
 * (expand → dual write → backfill → read the new → stop writing the old → contract), as a release of the app would
 * between two migration steps in production. The app's events never depend on it: they are built from the order
 * the app read back, not from the table's shape.
 */
export interface TableShape {
  /** Columns that receive the customer id (`customer_id`, its renamed successor `customer_ref`, or both). */
  customerWrite: readonly CustomerColumn[];
  customerRead: CustomerColumn;
  /** Columns that receive the currency (`currency` char(3), its text successor `currency_code`, or both). */
  currencyWrite: readonly CurrencyColumn[];
  currencyRead: CurrencyColumn;
  /** Where the lines go: the `items` jsonb column, the `order_items` table, or both. */
  itemsWrite: readonly ItemsHome[];
  itemsRead: ItemsHome;
}

export type CustomerColumn = 'customer_id' | 'customer_ref';
export type CurrencyColumn = 'currency' | 'currency_code';
export type ItemsHome = 'jsonb' | 'table';

/** The shape of the product's own migrations (sql/migrations), before the drill changes anything. */
export const initialShape: TableShape = {
  customerWrite: ['customer_id'],
  customerRead: 'customer_id',
  currencyWrite: ['currency'],
  currencyRead: 'currency',
  itemsWrite: ['jsonb'],
  itemsRead: 'jsonb',
};
