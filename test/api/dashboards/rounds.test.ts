import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { fundingRounds, serviceOrders } from '../../../db/schema';
import type { CreateRoundInput } from '../../../shared/schemas/rounds';
import { errorOf } from '../../setup/app';
import { fundedOrder, marketplace, thisYear, type Marketplace } from '../marketplace/helpers';

/**
 * Funding rounds through the API (issue 5, §1): the operator creates, opens and closes a round;
 * the funder of an order attaches it to an open round whose territory it shares.
 */

let m: Marketplace;
beforeEach(async () => {
  m = await marketplace();
});

const year = thisYear();
const roundForm = (overrides: Partial<CreateRoundInput> = {}): CreateRoundInput => ({
  name: 'Campagne bretonne',
  departementCodes: ['35', '29', '29'],
  opensOn: `${year}-01-01`,
  closesOn: `${year}-12-31`,
  targetCents: 50_000_000,
  ...overrides,
});

const roundRow = (roundId: number) => m.db.select().from(fundingRounds).where(eq(fundingRounds.id, roundId)).get();
const roundCount = () => m.db.select().from(fundingRounds).all().length;
const orderRoundId = (orderId: number) => m.db.select({ roundId: serviceOrders.roundId }).from(serviceOrders).where(eq(serviceOrders.id, orderId)).get()!.roundId;

async function openRound(overrides: Partial<CreateRoundInput> = {}) {
  const { roundId } = await m.as.operator.rounds.create.mutate(roundForm(overrides));
  await m.as.operator.rounds.open.mutate({ roundId });
  return roundId;
}

describe('creating a funding round', () => {
  it('lets the operator create a draft round, with its départements deduplicated and sorted, that every signed-in user can read', async () => {
    const { roundId } = await m.as.operator.rounds.create.mutate(roundForm());

    const expected = {
      id: roundId,
      name: 'Campagne bretonne',
      departementCodes: ['29', '35'],
      opensOn: `${year}-01-01`,
      closesOn: `${year}-12-31`,
      targetCents: 50_000_000,
      status: 'draft',
      operatorOrganisationId: m.operator.organisationId,
    };
    expect(await m.as.operator.rounds.get.query({ roundId })).toMatchObject(expected);
    expect(await m.as.funder.rounds.get.query({ roundId })).toMatchObject(expected);
    expect((await m.as.actor.rounds.list.query()).map((r) => [r.id, r.status])).toEqual([[roundId, 'draft']]);
  });

  it('accepts a round that opens and closes on the same day', async () => {
    const { roundId } = await m.as.operator.rounds.create.mutate(roundForm({ opensOn: `${year}-06-01`, closesOn: `${year}-06-01` }));
    expect(roundRow(roundId)).toMatchObject({ opensOn: `${year}-06-01`, closesOn: `${year}-06-01` });
  });

  it('refuses a funder or an actor (FORBIDDEN) and a signed-out visitor (UNAUTHORIZED), and writes nothing', async () => {
    expect(await errorOf(m.as.funder.rounds.create.mutate(roundForm()))).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(await errorOf(m.as.actor.rounds.create.mutate(roundForm()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(m.testApp.client().api.rounds.create.mutate(roundForm()))).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect(await errorOf(m.testApp.client().api.rounds.list.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(roundCount()).toBe(0);
  });

  it('refuses a round that closes before it opens, on the closesOn field', async () => {
    const error = await errorOf(m.as.operator.rounds.create.mutate(roundForm({ opensOn: `${year}-06-01`, closesOn: `${year}-05-31` })));

    expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.fieldErrors?.closesOn).toEqual(['La clôture précède l’ouverture']);
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(['closesOn']);
    expect(roundCount()).toBe(0);
  });

  it('refuses an unknown département, naming the entry at fault, and an empty territory', async () => {
    const unknown = await errorOf(m.as.operator.rounds.create.mutate(roundForm({ departementCodes: ['29', '00'] })));
    expect(unknown).toMatchObject({ code: 'BAD_REQUEST' });
    expect(unknown.fieldErrors?.['departementCodes.1']).toEqual(['Code de département INSEE inconnu']);

    const empty = await errorOf(m.as.operator.rounds.create.mutate(roundForm({ departementCodes: [] })));
    expect(empty.fieldErrors?.departementCodes).toEqual(['Au moins un département']);
    expect(roundCount()).toBe(0);
  });

  it('refuses malformed dates, a zero target and unknown fields, each on its field', async () => {
    const error = await errorOf(
      m.as.operator.rounds.create.mutate({ ...roundForm({ opensOn: '01/06/2026', targetCents: 0 }), status: 'open' } as unknown as CreateRoundInput),
    );
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual(['opensOn', 'status', 'targetCents']);
    expect(roundCount()).toBe(0);
  });
});

describe('opening and closing a round', () => {
  it('moves a round draft → open → closed, one step at a time', async () => {
    const { roundId } = await m.as.operator.rounds.create.mutate(roundForm());

    expect(await m.as.operator.rounds.open.mutate({ roundId })).toMatchObject({ id: roundId, status: 'open' });
    expect(roundRow(roundId)?.status).toBe('open');
    expect(await m.as.operator.rounds.close.mutate({ roundId })).toMatchObject({ id: roundId, status: 'closed' });
    expect(roundRow(roundId)?.status).toBe('closed');
  });

  it('refuses every other transition with CONFLICT and leaves the status as it was', async () => {
    const { roundId } = await m.as.operator.rounds.create.mutate(roundForm());
    expect(await errorOf(m.as.operator.rounds.close.mutate({ roundId }))).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    expect(roundRow(roundId)?.status).toBe('draft');

    await m.as.operator.rounds.open.mutate({ roundId });
    expect(await errorOf(m.as.operator.rounds.open.mutate({ roundId }))).toMatchObject({ code: 'CONFLICT' });
    expect(roundRow(roundId)?.status).toBe('open');

    await m.as.operator.rounds.close.mutate({ roundId });
    expect(await errorOf(m.as.operator.rounds.open.mutate({ roundId }))).toMatchObject({ code: 'CONFLICT' });
    expect(await errorOf(m.as.operator.rounds.close.mutate({ roundId }))).toMatchObject({ code: 'CONFLICT' });
    expect(roundRow(roundId)?.status).toBe('closed');
  });

  it('lets only the operator open or close a round', async () => {
    const { roundId } = await m.as.operator.rounds.create.mutate(roundForm());
    expect(await errorOf(m.as.funder.rounds.open.mutate({ roundId }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(m.testApp.client().api.rounds.open.mutate({ roundId }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(roundRow(roundId)?.status).toBe('draft');

    await m.as.operator.rounds.open.mutate({ roundId });
    expect(await errorOf(m.as.actor.rounds.close.mutate({ roundId }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(roundRow(roundId)?.status).toBe('open');
  });

  it('answers an unknown round like a forbidden one', async () => {
    expect(await errorOf(m.as.operator.rounds.open.mutate({ roundId: 9_999 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(m.as.funder.rounds.get.query({ roundId: 9_999 }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('attaching an order to a round', () => {
  it('lets the order’s funder attach it to an open round covering its territory, and the round dashboard counts it', async () => {
    const roundId = await openRound();
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { quantity: 100, unitPriceCents: 1_000 });

    expect(await m.as.funder.rounds.attachOrder.mutate({ roundId, orderId })).toEqual({ ok: true });

    expect(orderRoundId(orderId)).toBe(roundId);
    const dashboard = await m.as.funder.dashboards.round.query({ roundId });
    expect(dashboard.ordersByStatus).toMatchObject({ open: 1 });
    expect(dashboard.money).toMatchObject({ postedCents: 100_000, fundedCents: 100_000, awardedCents: 0, deliveredCents: 0 });
  });

  it('reads an order’s territory from its communes too (Rennes is in 35)', async () => {
    const roundId = await openRound({ departementCodes: ['35'] });
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { departementCodes: [], communeCodes: ['35238'] });

    await m.as.funder.rounds.attachOrder.mutate({ roundId, orderId });
    expect(orderRoundId(orderId)).toBe(roundId);
  });

  it('refuses another funder, the operator and an unknown order (FORBIDDEN), leaving the order unattached', async () => {
    const roundId = await openRound();
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);

    expect(await errorOf(m.as.otherFunder.rounds.attachOrder.mutate({ roundId, orderId }))).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    expect(await errorOf(m.as.operator.rounds.attachOrder.mutate({ roundId, orderId }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(m.as.actor.rounds.attachOrder.mutate({ roundId, orderId }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(m.as.funder.rounds.attachOrder.mutate({ roundId, orderId: 9_999 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(m.testApp.client().api.rounds.attachOrder.mutate({ roundId, orderId }))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(orderRoundId(orderId)).toBeNull();
  });

  it('refuses a draft round and a closed round on the roundId field', async () => {
    const { roundId: draftRound } = await m.as.operator.rounds.create.mutate(roundForm());
    const closedRound = await openRound();
    await m.as.operator.rounds.close.mutate({ roundId: closedRound });
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);

    for (const roundId of [draftRound, closedRound]) {
      const error = await errorOf(m.as.funder.rounds.attachOrder.mutate({ roundId, orderId }));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
      expect(error.fieldErrors?.roundId).toEqual(['Cette campagne n’est pas ouverte']);
    }
    expect(orderRoundId(orderId)).toBeNull();
  });

  it('refuses an order whose territory lies outside the round’s, on the roundId field', async () => {
    const roundId = await openRound({ departementCodes: ['35', '56'] });
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { departementCodes: ['29'] });

    const error = await errorOf(m.as.funder.rounds.attachOrder.mutate({ roundId, orderId }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(error.fieldErrors?.roundId).toEqual(['Le territoire de la commande est hors de celui de la campagne']);
    expect(orderRoundId(orderId)).toBeNull();
  });

  it('refuses a cancelled order with CONFLICT', async () => {
    const roundId = await openRound();
    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId);
    await m.as.funder.orders.cancel.mutate({ orderId });

    expect(await errorOf(m.as.funder.rounds.attachOrder.mutate({ roundId, orderId }))).toMatchObject({ code: 'CONFLICT' });
    expect(orderRoundId(orderId)).toBeNull();
  });

  it('lets a funder post an order straight into an open round, but not into a draft one', async () => {
    const roundId = await openRound();
    const { roundId: draftRound } = await m.as.operator.rounds.create.mutate(roundForm());

    const orderId = await fundedOrder(m.as.funder, m.funder.organisationId, { roundId });
    expect(orderRoundId(orderId)).toBe(roundId);

    const error = await errorOf(fundedOrder(m.as.funder, m.funder.organisationId, { roundId: draftRound }));
    expect(error.fieldErrors?.roundId).toEqual(['Cette campagne n’est pas ouverte']);
  });
});
