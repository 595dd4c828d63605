import type { Db } from '../../db/client';
import type { PlaceFigures } from '../services/places';
import { orderEventPayload } from '../services/orders';
import type { EventBus } from './bus';

/** Events after commit (DESIGN §4): routers call these once the service's transaction returned. */
export function publishPlaceFigures(bus: EventBus, placeId: number, figures: PlaceFigures[]): void {
  for (const f of figures) bus.publish(`place:${placeId}`, 'place.figures', { placeId, ...f });
}

/** Order rooms carry amounts and counts only: never the content of a sealed bid. */
export function publishOrder(bus: EventBus, db: Db, orderId: number): void {
  bus.publish(`order:${orderId}`, 'order.updated', orderEventPayload(db, orderId));
}
