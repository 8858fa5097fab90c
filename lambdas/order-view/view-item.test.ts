import { describe, expect, it } from 'vitest';
import { confirmed, insert, remove, row, update } from './fixtures/debezium-changes.ts';
import { mariaDbDelete, mariaDbInsert } from './fixtures/mariadb-changes.ts';
import { parseViewChange } from './view-change.ts';
import { applyChange, CURRENT_SK, deletedSk, toPutInput, type ViewStore, viewWrites } from './view-item.ts';

type Applicable = Parameters<typeof viewWrites>[0];

const change = (data: string): Applicable => {
  const parsed = parseViewChange(data);
  if (parsed.kind !== 'upsert' && parsed.kind !== 'delete') throw new Error(`fixture is ${parsed.kind}`);
  return parsed;
};

/** A table that evaluates the guards as DynamoDB evaluates `toPutInput`'s conditions. */
function memoryView() {
  const items = new Map<string, Record<string, unknown>>();
  const store: ViewStore = async ({ item, guard }) => {
    const key = `${item.pk}|${item.sk}`;
    const existing = items.get(key);
    const lands =
      existing === undefined || (guard.kind === 'newer' && (existing.sourceLsn as number) < guard.lsn);
    if (!lands) return 'superseded';
    items.set(key, structuredClone(item));
    return 'applied';
  };
  const snapshot = () => JSON.stringify([...items].sort(([a], [b]) => a.localeCompare(b)));
  return { items, store, snapshot };
}

const [c, u, d] = [change(insert.data), change(update.data), change(remove.data)];
const pk = `ORDER#${row().id}`;

describe('viewWrites', () => {
  it('writes the current item with every column of the after-image, its version and LSN', () => {
    const [write] = viewWrites(u);
    expect(write?.item).toMatchObject({ ...confirmed, pk, sk: CURRENT_SK });
    expect(write?.item).toMatchObject({ deleted: false, sourceLsn: 26501944, sourceOp: 'u' });
    expect(write?.guard).toEqual({ kind: 'newer', lsn: 26501944 });
  });

  it('writes a delete as a write-once history item with the full before-image, then a marker', () => {
    const [history, marker] = viewWrites(d);
    expect(history).toEqual({
      item: expect.objectContaining({ pk, sk: deletedSk(26502392), before: JSON.parse(remove.data).before }),
      guard: { kind: 'absent' },
    });
    expect(marker?.item).toEqual({
      pk,
      sk: CURRENT_SK,
      orderId: row().id,
      deleted: true,
      version: 2,
      historySk: deletedSk(26502392),
      sourceLsn: 26502392,
      sourceOp: 'd',
      sourceCommitTsMs: 1795529781694,
    });
  });

  it('sorts history keys by LSN', () => {
    expect(deletedSk(9) < deletedSk(10)).toBe(true);
  });
});

describe('toPutInput', () => {
  it('guards the current item by LSN and history by absence', () => {
    const [history, marker] = viewWrites(d);
    expect(toPutInput('T', marker!)).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR #lsn < :lsn',
      ExpressionAttributeNames: { '#lsn': 'sourceLsn' },
      ExpressionAttributeValues: { ':lsn': 26502392 },
    });
    expect(toPutInput('T', history!)).toEqual({
      TableName: 'T',
      Item: history?.item,
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });
});

describe('applyChange', () => {
  it('leaves the view identical when the same changes are applied twice', async () => {
    const view = memoryView();
    for (const x of [c, u, d]) await applyChange(view.store, x);
    const once = view.snapshot();

    const outcomes = [];
    for (const x of [c, u, d]) outcomes.push(await applyChange(view.store, x));

    expect(view.snapshot()).toBe(once);
    expect(outcomes.every((o) => o.applied === 0)).toBe(true);
  });

  it('never lets an older change overwrite a newer one, whatever the arrival order', async () => {
    const inOrder = memoryView();
    for (const x of [c, u]) await applyChange(inOrder.store, x);
    const reversed = memoryView();
    for (const x of [u, c]) await applyChange(reversed.store, x);

    expect(reversed.snapshot()).toBe(inOrder.snapshot());
    expect(reversed.items.get(`${pk}|${CURRENT_SK}`)).toMatchObject({ status: 'confirmed', version: 2 });
  });

  it('does not resurrect a deleted order when its create is replayed', async () => {
    const view = memoryView();
    for (const x of [c, u, d, c, u]) await applyChange(view.store, x);

    expect(view.items.get(`${pk}|${CURRENT_SK}`)).toMatchObject({ deleted: true, sourceLsn: 26502392 });
    expect(view.items.get(`${pk}|${deletedSk(26502392)}`)).toMatchObject({
      before: JSON.parse(remove.data).before,
    });
  });

  it('folds MariaDB changes the same way: a replayed insert after the delete changes nothing', async () => {
    const view = memoryView();
    const [mc, md] = [change(JSON.stringify(mariaDbInsert)), change(JSON.stringify(mariaDbDelete))];
    for (const x of [mc, md]) await applyChange(view.store, x);
    const once = view.snapshot();
    for (const x of [mc, md, mc]) expect(await applyChange(view.store, x)).toMatchObject({ applied: 0 });
    expect(view.snapshot()).toBe(once);
    expect(view.items.get(`ORDER#${mariaDbInsert.after.id}|${CURRENT_SK}`)).toMatchObject({ deleted: true });
  });
});
