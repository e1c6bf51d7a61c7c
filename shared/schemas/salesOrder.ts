// Sales order: requests and the resource.
import * as v from 'valibot';
import { isoDate, oneOf, optionalText, requiredText, strict } from './core.js';
import { Matrix, MatrixInput } from './matrix.js';

export const SALES_ORDER_STATES = ['Draft', 'Sent', 'Accepted', 'Cancelled'] as const;

export const SalesOrderCreate = strict({
  customer: requiredText(200),
  techPackId: requiredText(40),
  matrix: v.pipe(MatrixInput, v.description('At least one garment (checked in code)')),
  deliveryDate: v.nullish(isoDate),
  notes: optionalText(4000),
});

export const SalesOrderTransition = strict({ to: oneOf(SALES_ORDER_STATES), reason: optionalText(2000) });

export const SalesOrderProductionOrder = v.pipe(
  strict({ deliveryDate: v.nullish(isoDate), notes: optionalText(4000) }),
  v.description('Optional; the delivery date defaults from the sales order'),
);

export const SalesOrder = v.object({
  id: v.string(),
  customer: v.string(),
  techPackId: v.string(),
  styleCode: v.string(),
  state: v.picklist(SALES_ORDER_STATES),
  version: v.number(),
  matrix: Matrix,
  total: v.number(),
  /** The delivery the customer asked for; production orders default to it. */
  deliveryDate: v.nullable(v.pipe(v.string(), v.metadata({ format: 'date' }))),
  notes: v.string(),
  /** Every production order ever created from this sales order (cancelled ones included), oldest first. */
  productionOrderIds: v.array(v.string()),
  createdAt: v.string(),
  createdBy: v.string(),
  updatedAt: v.string(),
  updatedBy: v.string(),
});
