import { describe, expect, it } from 'vitest';
import {
  changeData,
  confirmed,
  incrementalReadData,
  insert,
  remove,
  row,
  update,
} from './fixtures/debezium-changes.ts';
import { mariaDbDelete, mariaDbInsert } from './fixtures/mariadb-changes.ts';
import { parseViewChange } from './view-change.ts';
import {
  applyChange,
  CURRENT_SK,
  deletedSk,
  toPutInput,
  toReadUpdateInput,
  type ViewStore,
  viewWrites,
} from './view-item.ts';

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
    if (existing === undefined) {
      items.set(key, structuredClone(item));
      return 'applied';
    }
    if (guard.kind === 'newer' && (existing.sourceLsn as number) < guard.lsn) {
      items.set(key, structuredClone(item));
      return 'applied';
    }
    // toReadUpdateInput: over a live item of a lower version, keeping its sourceLsn.
    if (guard.kind === 'read' && existing.deleted === false && (existing.version as number) < guard.version) {
      items.set(key, { ...structuredClone(item), sourceLsn: existing.sourceLsn });
      return 'applied';
    }
    return 'superseded';
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

describe('an incremental snapshot read (no LSN)', () => {
  const read = (r: ReturnType<typeof row>) => change(incrementalReadData(r));
  const current = (view: ReturnType<typeof memoryView>) => view.items.get(`${pk}|${CURRENT_SK}`);

  it("lands over nothing with sourceLsn 0, so the row's next streamed change still lands", async () => {
    const view = memoryView();
    expect(await applyChange(view.store, read(row()))).toEqual({ applied: 1, superseded: 0 });
    expect(current(view)).toMatchObject({ version: 1, sourceLsn: 0, sourceOp: 'r', deleted: false });
    await applyChange(view.store, u);
    expect(current(view)).toMatchObject({ version: 2, status: 'confirmed', sourceLsn: 26501944 });
  });

  it("lands over a lower version and keeps that item's LSN; an equal or higher version is left alone", async () => {
    const view = memoryView();
    await applyChange(view.store, c);
    expect(await applyChange(view.store, read(confirmed))).toEqual({ applied: 1, superseded: 0 });
    expect(current(view)).toMatchObject({
      version: 2,
      status: 'confirmed',
      sourceLsn: 26501176,
      sourceOp: 'r',
    });
    const after = view.snapshot();
    // A replayed read, and a read older than the view: no-ops.
    expect(await applyChange(view.store, read(confirmed))).toEqual({ applied: 0, superseded: 1 });
    expect(await applyChange(view.store, read(row()))).toEqual({ applied: 0, superseded: 1 });
    expect(view.snapshot()).toBe(after);
  });

  it('never resurrects a deleted order', async () => {
    const view = memoryView();
    for (const one of [c, u, d]) await applyChange(view.store, one);
    await applyChange(view.store, read(row({ status: 'confirmed', version: 3 })));
    expect(current(view)).toMatchObject({ deleted: true });
  });

  it('is put over nothing first, then updated over a live lower version without touching sourceLsn', () => {
    const [write] = viewWrites(read(confirmed));
    if (write?.guard.kind !== 'read') throw new Error('expected a read guard');
    expect(toPutInput('T', write)).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
    const updateInput = toReadUpdateInput('T', { ...write, guard: write.guard });
    expect(updateInput).toMatchObject({
      Key: { pk, sk: CURRENT_SK },
      ConditionExpression: '#deleted = :live AND #version < :version',
      ExpressionAttributeValues: expect.objectContaining({ ':live': false, ':version': 2 }),
    });
    expect(Object.values(updateInput.ExpressionAttributeNames ?? {})).not.toContain('sourceLsn');
    expect(Object.values(updateInput.ExpressionAttributeNames ?? {})).toContain('status');
  });

  it('a streamed change is still ordered by LSN alone', () => {
    expect(viewWrites(change(changeData('c', { after: row() }, 7)))[0]?.guard).toEqual({
      kind: 'newer',
      lsn: 7,
    });
  });
});
