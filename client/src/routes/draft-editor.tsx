import { A, useParams } from '@solidjs/router';
import { batch, createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { BidStatus } from '../../../shared/domain/enums';
import { draftSubmittable } from '../../../shared/domain/partnerships';
import type { EventPayloads } from '../../../shared/events';
import { lineAmount } from '../../../shared/money';
import { placeRatioView } from '../../../shared/ratio';
import { errorCode, fieldErrorsOf, staleCurrentOf } from '../api/client';
import type { AllocationProposal } from '../api/awards';
import { confirmDraftLine, editDraftLine, editDraftTerms, fetchDraft, fetchDraftAllocation, submitDraft, type DraftLineView, type DraftView } from '../api/drafts';
import { AllocationPanel } from '../components/allocation-panel';
import { BidStatusBadge, RatioBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { PresenceAvatars, type Viewer } from '../components/presence-avatars';
import { ProgressLine } from '../components/progress-line';
import { centsToEurosInput, isNetworkError, parseEuros } from '../forms';
import { formatDate, formatNumber, money, t } from '../i18n';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';
import { isMemberOf, ratio } from '../session';

/** `/offres-communes/:bidId`: a partnership's joint bid, drafted live; a new id mounts a new editor (new room). */
export function DraftEditorPage() {
  const params = useParams();
  return (
    <Show when={Number(params.bidId)} keyed>
      {(bidId) => <DraftEditor bidId={bidId} />}
    </Show>
  );
}

/** What the user typed in a line and has not saved yet, with the line as it was when they started. */
interface LineEdit {
  text: string;
  baseQuantity: number;
  baseVersion: number;
  error?: string;
}

interface TermsEdit {
  note: string;
  price: string;
  baseNote: string;
  basePriceCents: number;
  baseVersion: number;
  error?: string;
}

/** A write refused because the draft moved on: what the user wanted, to re-apply on the new version. */
type Conflict =
  | { kind: 'line'; placeId: number; mine: number; message: string }
  | { kind: 'confirm'; placeId: number; mine: boolean; message: string }
  | { kind: 'terms'; mine: { note: string; unitPriceCents: number }; message: string }
  | { kind: 'submit'; message: string };

type Snapshot = EventPayloads['draft.updated'];

/** A whole number typed in a quantity field, or undefined. Blank counts as 0 (no services). */
const readQuantity = (text: string): number | undefined => {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  return /^\d{1,7}$/.test(trimmed) ? Number(trimmed) : undefined;
};

/** The ids of the fields a conflicting write came from: the focus goes back there once the user has chosen. */
const originOf = (c: Conflict): string[] => {
  if (c.kind === 'line' || c.kind === 'confirm') return [`draft-quantity-${c.placeId}`, `draft-confirm-${c.placeId}`];
  if (c.kind === 'terms') return ['draft-note', 'draft-unit-price'];
  return ['draft-submit'];
};

const focusOrigin = (c: Conflict) =>
  queueMicrotask(() => {
    const ids = c.kind === 'confirm' ? originOf(c).reverse() : originOf(c);
    for (const id of ids) {
      const element = document.getElementById(id);
      if (element) return element.focus();
    }
  });

const messageOf = (error: unknown) => (isNetworkError(error) ? t('form.network') : error instanceof Error ? error.message : String(error));

function DraftEditor(props: { bidId: number }) {
  const [loaded, { refetch }] = createResource(() => props.bidId, fetchDraft);
  const [draft, setDraft] = createStore<{ view?: DraftView }>({});
  const [edits, setEdits] = createStore<Record<number, LineEdit | undefined>>({});
  const [terms, setTerms] = createStore<{ edit?: TermsEdit }>({});
  const [saving, setSaving] = createStore<Record<number, boolean>>({});
  const [flash, setFlash] = createStore<Record<number, boolean>>({});
  const [viewers, setViewers] = createSignal<Viewer[]>([]);
  const [conflict, setConflict] = createSignal<Conflict>();
  const [error, setError] = createSignal<string>();
  const [announcement, setAnnouncement] = createSignal('');
  const [termsDone, setTermsDone] = createSignal('');
  const [submitting, setSubmitting] = createSignal(false);
  const [termsSaving, setTermsSaving] = createSignal(false);
  /** Lines (and the terms, as 0) with a write of ours in flight: their changes are not announced as remote. */
  const ownWrites = new Set<number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  onCleanup(() => timers.forEach(clearTimeout));

  const view = () => draft.view;
  const version = () => draft.view?.bid.version ?? 0;
  const editable = () => draft.view?.bid.status === 'draft';
  const isLead = () => !!draft.view && isMemberOf(draft.view.leadOrganisationId);
  const canEdit = (line: DraftLineView) => editable() && (isMemberOf(line.organisationId) || isLead());
  const canConfirm = (line: DraftLineView) => editable() && isMemberOf(line.organisationId);
  const lineOf = (placeId: number) => draft.view?.lines.find((l) => l.placeId === placeId);
  const hasEdits = () => Object.values(edits).some(Boolean) || !!terms.edit;

  /** Typed values that now equal the draft are no longer edits. */
  const settleEdits = () => {
    const current = draft.view;
    if (!current) return;
    for (const [id, edit] of Object.entries(edits)) {
      const line = lineOf(Number(id));
      if (!edit || !line) continue;
      if (readQuantity(edit.text) === line.quantity && !edit.error) setEdits(Number(id), undefined);
    }
    const termsEdit = terms.edit;
    if (termsEdit && termsEdit.note.trim() === current.bid.note && parseEuros(termsEdit.price) === current.bid.unitPriceCents) setTerms('edit', undefined);
  };

  /** A full view from the server (read or answer to a write), unless we already show a newer one. */
  const applyView = (next: DraftView) => {
    if (draft.view && next.bid.id === draft.view.bid.id && next.bid.version < draft.view.bid.version) return;
    batch(() => {
      setDraft('view', reconcile(next, { key: 'placeId' }));
      settleEdits();
    });
  };
  // Untracked: applying a view reads the edits, which must not re-run this on every keystroke.
  createEffect(
    on(
      () => valueOf(loaded),
      (next) => next && applyView(next),
    ),
  );

  const markRemote = (placeId: number) => {
    setFlash(placeId, true);
    const timer = setTimeout(() => {
      setFlash(placeId, false);
      timers.delete(timer);
    }, 2500);
    timers.add(timer);
  };

  const announce = (message: string) => {
    // Emptied first, so that the same sentence twice is read twice.
    setAnnouncement('');
    queueMicrotask(() => setAnnouncement(message));
  };

  /**
   * A committed write from the room: merged by place, so that a line being typed in keeps what
   * the user typed (settleEdits only drops a typed value the draft now agrees with).
   */
  const applySnapshot = (snapshot: Snapshot) => {
    const current = draft.view;
    if (!current || snapshot.bidId !== current.bid.id || snapshot.version <= current.bid.version) return;
    const known = new Set(current.lines.map((l) => l.placeId));
    if (snapshot.lines.length !== known.size || snapshot.lines.some((l) => !known.has(l.placeId))) {
      // Lines came or went (a reopened draft): only a full read has their names and figures.
      void refetch();
      return;
    }
    const remote: string[] = [];
    batch(() => {
      for (const next of snapshot.lines) {
        const index = current.lines.findIndex((l) => l.placeId === next.placeId);
        const line = current.lines[index]!;
        if (line.quantity === next.quantity && line.confirmed === next.confirmed) continue;
        if (!ownWrites.has(next.placeId)) {
          remote.push(
            t('draft.remoteLine', {
              place: line.placeName,
              count: formatNumber(next.quantity),
              state: next.quantity === 0 ? t('draft.empty') : next.confirmed ? t('draft.confirmed') : t('draft.unconfirmed'),
            }),
          );
          markRemote(next.placeId);
        }
        setDraft('view', 'lines', index, { quantity: next.quantity, confirmed: next.confirmed });
      }
      if ((snapshot.note !== current.bid.note || snapshot.unitPriceCents !== current.bid.unitPriceCents) && !ownWrites.has(0)) {
        remote.push(t('draft.remoteTerms', { price: money(snapshot.unitPriceCents, false) }));
      }
      if (snapshot.status !== current.bid.status) remote.push(t('draft.remoteStatus', { status: t(`bidStatus.${snapshot.status as BidStatus}`) }));
      setDraft('view', 'bid', {
        version: snapshot.version,
        status: snapshot.status as BidStatus,
        note: snapshot.note,
        unitPriceCents: snapshot.unitPriceCents,
      });
      setDraft('view', draftSubmittable(snapshot.lines));
      settleEdits();
    });
    if (remote.length) announce(remote.join(' '));
  };

  useRoom(`draft:${props.bidId}`, 'draft.updated', (message) => applySnapshot(message.payload), () => void refetch());
  // Presence has no read procedure: the server announces it again whenever the room is rejoined.
  useRoom(`draft:${props.bidId}`, 'draft.presence', (message) => setViewers(message.payload.viewers), () => undefined);

  // Writes go one after the other: each reads the version its predecessor left.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T,>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  /** A refused write: a stale version becomes a conflict with both values; anything else, a message. */
  const refused = async (e: unknown, intent: Conflict, onFieldError?: (message: string) => void) => {
    const current = staleCurrentOf(e);
    if (current) {
      setConflict({ ...intent, message: messageOf(e) });
      // Read the whole draft before the next write: other lines may have moved too.
      const fresh = await fetchDraft(props.bidId).catch(() => undefined);
      if (fresh) applyView(fresh);
      return;
    }
    const fields = fieldErrorsOf(e);
    const fieldMessage = Object.values(fields).flat().filter(Boolean).join(' ');
    if (onFieldError && errorCode(e) === 'BAD_REQUEST' && fieldMessage) return onFieldError(fieldMessage);
    setError(messageOf(e));
    if (errorCode(e) === 'CONFLICT') void refetch();
  };

  const clearConflictOf = (test: (c: Conflict) => boolean) => {
    const c = conflict();
    if (c && test(c)) setConflict(undefined);
  };

  /** Saves what the user typed in a line, on the version they saw it at. */
  const saveLine = (placeId: number) =>
    enqueue(async () => {
      const edit = edits[placeId];
      const current = draft.view;
      const line = lineOf(placeId);
      if (!edit || !current || !line || current.bid.status !== 'draft') return true;
      // While a conflict on this line waits for the user's choice, leaving the field sends nothing.
      const pending = conflict();
      if (pending && (pending.kind === 'line' || pending.kind === 'confirm') && pending.placeId === placeId) return false;
      const quantity = readQuantity(edit.text);
      if (quantity === undefined || quantity > current.order.quantity) {
        setEdits(placeId, 'error', t('draft.quantityInvalid', { max: formatNumber(current.order.quantity) }));
        return false;
      }
      if (quantity === line.quantity) {
        setEdits(placeId, undefined);
        return true;
      }
      // The current version if the line has not moved since the user started typing; otherwise the
      // version they started from, so that the server refuses and says what the line is now.
      const sentVersion = line.quantity === edit.baseQuantity ? current.bid.version : edit.baseVersion;
      setEdits(placeId, 'error', undefined);
      setError(undefined);
      setSaving(placeId, true);
      ownWrites.add(placeId);
      try {
        applyView(await editDraftLine({ bidId: props.bidId, version: sentVersion, placeId, quantity }));
        clearConflictOf((c) => (c.kind === 'line' || c.kind === 'confirm') && c.placeId === placeId);
        return true;
      } catch (e) {
        // The typed value stays, on its old base: only « Réappliquer ma valeur » sends it again.
        await refused(e, { kind: 'line', placeId, mine: quantity, message: '' }, (message) => setEdits(placeId, 'error', message));
        return false;
      } finally {
        ownWrites.delete(placeId);
        setSaving(placeId, false);
      }
    });

  const onQuantityInput = (line: DraftLineView, text: string) => {
    const pending = conflict();
    if (pending && (pending.kind === 'line' || pending.kind === 'confirm') && pending.placeId === line.placeId) {
      // Typing again after reading the conflict is a new decision, made on the value now shown.
      setConflict(undefined);
      setEdits(line.placeId, { text, baseQuantity: line.quantity, baseVersion: version(), error: undefined });
    } else if (edits[line.placeId]) setEdits(line.placeId, { text, error: undefined });
    else setEdits(line.placeId, { text, baseQuantity: line.quantity, baseVersion: version() });
  };

  /** Confirms (or withdraws) the user's own line; a value still being typed is saved first. */
  const toggleConfirm = (placeId: number) => {
    const line = lineOf(placeId);
    if (!line) return;
    const desired = !line.confirmed;
    const edit = edits[placeId];
    const seen = { quantity: edit ? readQuantity(edit.text) : line.quantity, version: version() };
    if (edit) void saveLine(placeId);
    void enqueue(async () => confirm(placeId, desired, seen));
  };

  const confirm = async (placeId: number, desired: boolean, seen: { quantity: number | undefined; version: number }) => {
    const current = draft.view;
    const line = lineOf(placeId);
    // A typed value that could not be saved is not confirmed behind the user's back.
    if (!current || !line || edits[placeId] || current.bid.status !== 'draft') return false;
    if (line.confirmed === desired) return true;
    const sentVersion = line.quantity === seen.quantity ? current.bid.version : seen.version;
    setError(undefined);
    setSaving(placeId, true);
    ownWrites.add(placeId);
    try {
      applyView(await confirmDraftLine({ bidId: props.bidId, version: sentVersion, placeId, confirmed: desired }));
      clearConflictOf((c) => (c.kind === 'line' || c.kind === 'confirm') && c.placeId === placeId);
      return true;
    } catch (e) {
      await refused(e, { kind: 'confirm', placeId, mine: desired, message: '' });
      return false;
    } finally {
      ownWrites.delete(placeId);
      setSaving(placeId, false);
    }
  };

  const termsValue = () => ({
    note: terms.edit?.note ?? draft.view?.bid.note ?? '',
    price: terms.edit?.price ?? centsToEurosInput(draft.view?.bid.unitPriceCents ?? 0),
  });
  const editTerms = (field: 'note' | 'price', value: string) => {
    setTermsDone('');
    const current = draft.view;
    if (!current) return;
    if (!terms.edit) {
      setTerms('edit', {
        note: current.bid.note,
        price: centsToEurosInput(current.bid.unitPriceCents),
        baseNote: current.bid.note,
        basePriceCents: current.bid.unitPriceCents,
        baseVersion: current.bid.version,
      });
    }
    setTerms('edit', { [field]: value, error: undefined });
  };

  const saveTerms = (event?: SubmitEvent) => {
    event?.preventDefault();
    setTermsDone('');
    const current = draft.view;
    if (event && conflict()?.kind === 'terms' && terms.edit && current) {
      // Saving again after reading the conflict is a choice made on the values now shown.
      setConflict(undefined);
      setTerms('edit', { baseNote: current.bid.note, basePriceCents: current.bid.unitPriceCents, baseVersion: current.bid.version });
    }
    return enqueue(async () => {
      const edit = terms.edit;
      const current = draft.view;
      if (!edit || !current || current.bid.status !== 'draft') return true;
      const unitPriceCents = parseEuros(edit.price);
      if (unitPriceCents === undefined || unitPriceCents < 1) {
        setTerms('edit', 'error', t('form.eurosInvalid'));
        return false;
      }
      if (unitPriceCents > current.order.unitPriceCents) {
        setTerms('edit', 'error', t('draft.priceTooHigh', { price: money(current.order.unitPriceCents, false) }));
        return false;
      }
      const note = edit.note.trim();
      const unchanged = current.bid.note === edit.baseNote && current.bid.unitPriceCents === edit.basePriceCents;
      const sentVersion = unchanged ? current.bid.version : edit.baseVersion;
      setError(undefined);
      setTermsSaving(true);
      ownWrites.add(0);
      try {
        applyView(await editDraftTerms({ bidId: props.bidId, version: sentVersion, note, unitPriceCents }));
        if (terms.edit && terms.edit.note.trim() === note && parseEuros(terms.edit.price) === unitPriceCents) setTerms('edit', undefined);
        clearConflictOf((c) => c.kind === 'terms');
        setTermsDone(t('draft.termsSaved'));
        return true;
      } catch (e) {
        await refused(e, { kind: 'terms', mine: { note, unitPriceCents }, message: '' }, (message) => setTerms('edit', 'error', message));
        return false;
      } finally {
        ownWrites.delete(0);
        setTermsSaving(false);
      }
    });
  };

  /** The lead submits the draft they are looking at; values still being typed are saved first. */
  const submit = () => {
    const seenVersion = version();
    const flushed = hasEdits();
    for (const id of Object.keys(edits)) if (edits[Number(id)]) void saveLine(Number(id));
    if (terms.edit) void saveTerms();
    void enqueue(async () => {
      const current = draft.view;
      if (!current || !current.ok || hasEdits() || current.bid.status !== 'draft') return false;
      setError(undefined);
      setSubmitting(true);
      try {
        applyView(await submitDraft({ bidId: props.bidId, version: flushed ? current.bid.version : seenVersion }));
        setConflict(undefined);
        announce(t('draft.submitted'));
        return true;
      } catch (e) {
        await refused(e, { kind: 'submit', message: '' });
        return false;
      } finally {
        setSubmitting(false);
      }
    });
  };

  /** « Réappliquer ma valeur »: the user's value again, on the version now on screen. */
  const reapply = (c: Conflict) => {
    setConflict(undefined);
    focusOrigin(c);
    const current = draft.view;
    if (!current) return;
    if (c.kind === 'line') {
      const line = lineOf(c.placeId);
      if (!line) return;
      setEdits(c.placeId, { text: String(c.mine), baseQuantity: line.quantity, baseVersion: current.bid.version, error: undefined });
      void saveLine(c.placeId);
    } else if (c.kind === 'confirm') {
      const line = lineOf(c.placeId);
      if (!line) return;
      void enqueue(async () => confirm(c.placeId, c.mine, { quantity: line.quantity, version: current.bid.version }));
    } else if (c.kind === 'terms') {
      setTerms('edit', {
        note: c.mine.note,
        price: centsToEurosInput(c.mine.unitPriceCents),
        baseNote: current.bid.note,
        basePriceCents: current.bid.unitPriceCents,
        baseVersion: current.bid.version,
        error: undefined,
      });
      void saveTerms();
    }
  };

  /**
   * The consolidating split among members (issue 6), applied as ordinary versioned line writes
   * through the queue: a member editing a line at the same moment gets the usual conflict.
   */
  const applyProposal = (lines: AllocationProposal['recommendation']['lines']) => {
    const current = draft.view;
    if (!current) return;
    for (const proposed of lines) {
      const line = lineOf(proposed.placeId);
      if (!line || !canEdit(line) || (line.quantity === proposed.quantity && !edits[proposed.placeId])) continue;
      setEdits(proposed.placeId, { text: String(proposed.quantity), baseQuantity: line.quantity, baseVersion: current.bid.version, error: undefined });
      void saveLine(proposed.placeId);
    }
  };
  /** The proposal depends on the members' places and the unit price, not on the quantities typed. */
  const proposalKey = () => {
    const current = draft.view;
    return current ? `${current.bid.id}:${current.bid.unitPriceCents}:${current.lines.map((l) => l.placeId).join(',')}` : '';
  };
  const describeLine = (_bidId: number, placeId: number) => {
    const line = lineOf(placeId);
    return line && { place: line.placeName, bidder: line.organisationName };
  };

  /** « Garder la valeur actuelle »: the user's value is dropped, the draft's stays. */
  const keepCurrent = (c: Conflict) => {
    setConflict(undefined);
    focusOrigin(c);
    if (c.kind === 'line') setEdits(c.placeId, undefined);
    if (c.kind === 'terms') setTerms('edit', undefined);
  };

  return (
    <>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement()}
      </p>
      <Show when={loaded.error && !draft.view}>
        <ErrorBox error={loaded.error} />
      </Show>
      <Show when={view()} fallback={<Show when={!loaded.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(v) => (
          <article class="draft-editor" aria-labelledby="draft-title" data-testid="draft-editor" data-version={v().bid.version}>
            <p class="eyebrow">{t('draft.eyebrow')}</p>
            <header class="draft-header">
              <div>
                <h1 id="draft-title">{t('draft.title', { order: v().order.title })}</h1>
                <div class="order-meta">
                  <BidStatusBadge status={v().bid.status as BidStatus} testid="draft-status" />
                  <span class="tag" data-testid="draft-version" data-version={v().bid.version}>
                    {t('draft.version', { version: v().bid.version })}
                  </span>
                  <A href={`/partenariats/${v().bid.partnershipId}`}>{t('draft.back')}</A>
                  <A href={`/commandes/${v().order.id}`}>{t('draft.orderLink', { id: v().order.id })}</A>
                </div>
              </div>
              <PresenceAvatars viewers={viewers()} />
            </header>

            <dl class="facts compact">
              <div>
                <dt>{t('draft.orderQuantity')}</dt>
                <dd>{t('order.quantityValue', { count: formatNumber(v().order.quantity) })}</dd>
              </div>
              <div>
                <dt>{t('draft.orderPrice')}</dt>
                <dd>{money(v().order.unitPriceCents, false)}</dd>
              </div>
              <div>
                <dt>{t('order.bidDeadline')}</dt>
                <dd>{formatDate(v().order.bidDeadline)}</dd>
              </div>
            </dl>

            <Show when={!editable()}>
              <p class="alert" role="status">
                {v().bid.status === 'submitted' ? t('draft.submitted') : t('draft.readOnly')}
              </p>
            </Show>

            <ConflictAlert conflict={conflict()} lineOf={lineOf} view={v()} onReapply={reapply} onKeep={keepCurrent} />
            <FormAlert message={error()} testid="draft-error" />

            <section aria-labelledby="draft-lines-title">
              <h2 id="draft-lines-title">{t('draft.lines')}</h2>
              <p class="hint" id="draft-lines-hint">
                {t('draft.linesHint')}
              </p>
              <div class="table-scroll">
                <table class="draft-lines">
                  <caption class="visually-hidden">{t('draft.lines')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('draft.place')}</th>
                      <th scope="col">{t('draft.actor')}</th>
                      <th scope="col" class="num">{t('draft.quantity')}</th>
                      <th scope="col">{t('draft.confirmation')}</th>
                      <th scope="col">{t('draft.projected', { year: v().lines[0]?.figures.year ?? '' })}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={v().lines}>
                      {(line) => {
                        const inputId = `draft-quantity-${line.placeId}`;
                        const edit = () => edits[line.placeId];
                        const typed = () => {
                          const e = edit();
                          const q = e ? readQuantity(e.text) : undefined;
                          return q !== undefined && q !== line.quantity ? q : undefined;
                        };
                        const projection = (quantity: number) =>
                          placeRatioView(
                            {
                              revenueDeliveredCents: line.figures.revenueDeliveredCents,
                              revenueCommittedCents: line.figures.revenueCommittedCents + lineAmount(quantity, v().bid.unitPriceCents),
                            },
                            ratio(),
                          );
                        const describedBy = () =>
                          [edit()?.error ? `${inputId}-error` : '', edit() && line.quantity !== edit()!.baseQuantity ? `${inputId}-moved` : '']
                            .filter(Boolean)
                            .join(' ') || undefined;
                        return (
                          <tr
                            data-testid="draft-line"
                            data-place-id={line.placeId}
                            data-quantity={line.quantity}
                            data-confirmed={String(line.confirmed)}
                            classList={{ 'remote-change': !!flash[line.placeId], invalid: !!edit()?.error }}
                          >
                            <th scope="row">
                              {line.placeName}
                              <span class="tag block">{t('draft.capacityValue', { capacity: formatNumber(line.yearlyCapacity) })}</span>
                            </th>
                            <td>{line.organisationName}</td>
                            <td class="num">
                              <label class="visually-hidden" for={inputId}>
                                {t('draft.quantityLabel', { place: line.placeName })}
                              </label>
                              <input
                                id={inputId}
                                class="quantity"
                                type="text"
                                inputMode="numeric"
                                autocomplete="off"
                                readOnly={!canEdit(line)}
                                value={edit()?.text ?? String(line.quantity)}
                                aria-invalid={!!edit()?.error}
                                aria-describedby={describedBy()}
                                onInput={(e) => onQuantityInput(line, e.currentTarget.value)}
                                onChange={() => void saveLine(line.placeId)}
                                onKeyDown={(e) => {
                                  if (e.key === 'Enter') {
                                    e.preventDefault();
                                    void saveLine(line.placeId);
                                  } else if (e.key === 'Escape' && edit()) {
                                    setEdits(line.placeId, undefined);
                                  }
                                }}
                                data-testid="draft-quantity"
                              />
                              <Show when={saving[line.placeId]}>
                                <span class="tag block" role="status">
                                  {t('draft.saving')}
                                </span>
                              </Show>
                              <Show when={edit()?.error}>
                                <p id={`${inputId}-error`} class="field-error">
                                  {edit()!.error}
                                </p>
                              </Show>
                              <Show when={edit() && line.quantity !== edit()!.baseQuantity}>
                                <p id={`${inputId}-moved`} class="field-warning">
                                  {t('draft.changedWhileTyping', { count: formatNumber(line.quantity) })}
                                </p>
                              </Show>
                            </td>
                            <td>
                              <span class="line-state" data-testid="draft-line-confirmed" data-confirmed={String(line.confirmed)}>
                                {line.quantity === 0 && !line.confirmed ? t('draft.empty') : line.confirmed ? `✓ ${t('draft.confirmed')}` : t('draft.unconfirmed')}
                              </span>
                              <Show when={canConfirm(line)}>
                                <button
                                  type="button"
                                  class="button small"
                                  classList={{ ghost: line.confirmed }}
                                  disabled={!!saving[line.placeId]}
                                  id={`draft-confirm-${line.placeId}`}
                                  onClick={() => toggleConfirm(line.placeId)}
                                  data-testid="draft-confirm"
                                >
                                  {line.confirmed ? t('draft.unconfirm') : t('draft.confirm')}
                                  <span class="visually-hidden"> {t('draft.forPlace', { place: line.placeName })}</span>
                                </button>
                              </Show>
                            </td>
                            <td>
                              {money(projection(line.quantity).projectedCents)}{' '}
                              <RatioBadge status={projection(line.quantity).projectedStatus} testid="draft-line-status" />
                              <Show when={typed()}>
                                {(quantity) => (
                                  <span class="tag block">
                                    {t('draft.withTyped')} {money(projection(quantity()).projectedCents)} <RatioBadge status={projection(quantity()).projectedStatus} />
                                  </span>
                                )}
                              </Show>
                            </td>
                          </tr>
                        );
                      }}
                    </For>
                  </tbody>
                </table>
              </div>
              <div class="award-total" classList={{ over: v().total > v().order.quantity }} data-testid="draft-total" data-total={v().total} aria-live="polite">
                <p>{t('draft.total', { total: formatNumber(v().total), quantity: formatNumber(v().order.quantity) })}</p>
                <ProgressLine
                  value={v().total}
                  max={v().order.quantity}
                  label={t('draft.totalLabel', { total: formatNumber(v().total), quantity: formatNumber(v().order.quantity) })}
                  text=""
                />
                <Show when={v().total > v().order.quantity}>
                  <p>{t('draft.totalOver', { count: formatNumber(v().total - v().order.quantity) })}</p>
                </Show>
                <p>{t('draft.amount', { amount: money(lineAmount(v().total, v().bid.unitPriceCents), false) })}</p>
                <p>{v().unconfirmed.length > 0 ? t('draft.unconfirmedCount', { count: v().unconfirmed.length }) : v().ok ? t('draft.allConfirmed') : ''}</p>
              </div>
            </section>

            <Show when={isLead() && editable()}>
              <section class="card">
                <AllocationPanel
                  context="draft"
                  load={() => fetchDraftAllocation(props.bidId)}
                  refreshKey={proposalKey()}
                  describe={describeLine}
                  onApply={applyProposal}
                />
              </section>
            </Show>

            <section class="card" aria-labelledby="draft-terms-title">
              <h2 id="draft-terms-title">{t('draft.terms')}</h2>
              <Show
                when={isLead() && editable()}
                fallback={
                  <>
                    <p>{t('draft.unitPriceValue', { price: money(v().bid.unitPriceCents, false) })}</p>
                    <p class="description" data-testid="draft-note">
                      {v().bid.note || t('draft.noNote')}
                    </p>
                  </>
                }
              >
                <form class="form" onSubmit={(e) => void saveTerms(e)} novalidate data-testid="draft-terms-form">
                  <div class="field">
                    <label for="draft-note">{t('draft.note')}</label>
                    <textarea
                      id="draft-note"
                      rows={3}
                      value={termsValue().note}
                      onInput={(e) => editTerms('note', e.currentTarget.value)}
                      data-testid="draft-note"
                    />
                  </div>
                  <div class="field">
                    <label for="draft-unit-price">{t('draft.unitPrice')}</label>
                    <p id="draft-unit-price-hint" class="hint">
                      {t('draft.unitPriceHint', { price: money(v().order.unitPriceCents, false) })}
                    </p>
                    <input
                      id="draft-unit-price"
                      class="quantity"
                      inputMode="decimal"
                      value={termsValue().price}
                      onInput={(e) => editTerms('price', e.currentTarget.value)}
                      aria-invalid={!!terms.edit?.error}
                      aria-describedby={terms.edit?.error ? 'draft-unit-price-hint draft-terms-error' : 'draft-unit-price-hint'}
                      data-testid="draft-unit-price"
                    />
                  </div>
                  <Show when={terms.edit?.error}>
                    <p id="draft-terms-error" class="field-error">
                      {terms.edit!.error}
                    </p>
                  </Show>
                  <Show when={terms.edit && (v().bid.note !== terms.edit.baseNote || v().bid.unitPriceCents !== terms.edit.basePriceCents)}>
                    <p class="field-warning">{t('draft.termsChanged')}</p>
                  </Show>
                  <div class="form-actions">
                    <button type="submit" class="button ghost" disabled={termsSaving()} data-testid="draft-save-terms">
                      {termsSaving() ? t('draft.saving') : t('draft.saveTerms')}
                    </button>
                    <span class="success" role="status">
                      {termsDone()}
                    </span>
                  </div>
                </form>
              </Show>
            </section>

            <Show when={editable()}>
              <section class="card" aria-labelledby="draft-submit-title">
                <h2 id="draft-submit-title">{t('draft.submit')}</h2>
                <Show when={isLead()} fallback={<p>{t('draft.waitLead')}</p>}>
                  <p class="hint" id="draft-submit-hint">
                    {t('draft.submitHint')}
                  </p>
                  <div class="form-actions">
                    <button
                      type="button"
                      class="button"
                      disabled={!v().ok || submitting()}
                      aria-describedby="draft-submit-hint"
                      id="draft-submit"
                      onClick={submit}
                      data-testid="draft-submit"
                    >
                      {submitting() ? t('form.sending') : t('draft.submit')}
                    </button>
                  </div>
                </Show>
              </section>
            </Show>
          </article>
        )}
      </Show>
    </>
  );
}

/**
 * The server's French message when a write was made on an old version, with the user's value
 * beside the current one and the choice to re-apply theirs or keep the draft's. It takes the
 * focus unless the user is already typing elsewhere in the draft.
 */
function ConflictAlert(props: {
  conflict: Conflict | undefined;
  view: DraftView;
  lineOf: (placeId: number) => DraftLineView | undefined;
  onReapply: (c: Conflict) => void;
  onKeep: (c: Conflict) => void;
}) {
  let box: HTMLDivElement | undefined;
  createEffect(() => {
    const c = props.conflict;
    if (!c) return;
    const origin = originOf(c);
    queueMicrotask(() => {
      const active = document.activeElement;
      const typingElsewhere = (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) && !active.readOnly && !origin.includes(active.id);
      if (!typingElsewhere) box?.focus();
    });
  });

  const values = (c: Conflict): { mine: string; current: string; differs: boolean } | undefined => {
    const services = (count: number) => t('draft.servicesValue', { count: formatNumber(count) });
    const confirmation = (confirmed: boolean) => t(confirmed ? 'draft.confirmedValue' : 'draft.unconfirmedValue');
    if (c.kind === 'line') {
      const line = props.lineOf(c.placeId);
      return line && { mine: services(c.mine), current: services(line.quantity), differs: c.mine !== line.quantity };
    }
    if (c.kind === 'confirm') {
      const line = props.lineOf(c.placeId);
      return (
        line && {
          mine: confirmation(c.mine),
          current: `${services(line.quantity)}, ${confirmation(line.confirmed)}`,
          differs: c.mine !== line.confirmed,
        }
      );
    }
    if (c.kind === 'terms') {
      const terms = (note: string, cents: number) => t('draft.termsValue', { note, price: money(cents, false) });
      return {
        mine: terms(c.mine.note, c.mine.unitPriceCents),
        current: terms(props.view.bid.note, props.view.bid.unitPriceCents),
        differs: c.mine.note !== props.view.bid.note || c.mine.unitPriceCents !== props.view.bid.unitPriceCents,
      };
    }
    return undefined;
  };

  return (
    <Show when={props.conflict}>
      {(c) => (
        <div class="alert error conflict" role="alert" tabindex="-1" ref={(el) => (box = el)} data-testid="draft-conflict">
          <p>{c().message}</p>
          <Show when={values(c())}>
            {(v) => (
              <>
                <ul class="plain">
                  <li data-testid="conflict-mine">{t('draft.yourValue', { value: v().mine })}</li>
                  <li data-testid="conflict-current">{t('draft.currentValue', { value: v().current })}</li>
                </ul>
                <div class="actions">
                  <Show when={v().differs && props.view.bid.status === 'draft'}>
                    <button type="button" class="button small" onClick={() => props.onReapply(c())} data-testid="conflict-reapply">
                      {t('draft.reapply')}
                    </button>
                  </Show>
                  <button type="button" class="button small ghost" onClick={() => props.onKeep(c())} data-testid="conflict-keep">
                    {t('draft.keepCurrent')}
                  </button>
                </div>
              </>
            )}
          </Show>
        </div>
      )}
    </Show>
  );
}
