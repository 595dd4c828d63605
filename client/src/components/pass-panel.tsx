import { A } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { PassCounts } from '../../../shared/domain/passes';
import { AssignBookletsInput, DEFAULT_BOOKLET_SIZE, IssueBookletsInput } from '../../../shared/schemas/passes';
import type { OrderView } from '../api/orders';
import { assignBooklets, exportPassesCsv, fetchOrderPasses, fetchPrescribersOfFunder, issueBooklets, type BookletStatus, type OrderBooklet } from '../api/passes';
import { downloadFile } from '../download';
import { createSubmission, parseCount } from '../forms';
import { formatDate, formatNumber, t } from '../i18n';
import { tp, type PassMessageKey } from '../i18n/pass-messages';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';
import { currentMembership, me } from '../session';
import { ErrorBox } from './error-box';
import { FormAlert } from './form-alert';
import { TextField } from './text-field';

export function BookletStatusBadge(props: { status: BookletStatus }) {
  return (
    <span class={`badge booklet-${props.status}`} data-testid="booklet-status" data-status={props.status}>
      {tp(`passes.status.${props.status}`)}
    </span>
  );
}

/**
 * The order's pass for its funders (issue 11): live counts, issuing booklets within the funded
 * quantity, giving them to prescribers, printing and exporting their codes. An order without
 * pass only says that its services are self-declared.
 */
export function PassPanel(props: { view: OrderView }) {
  const memberOf = (organisationId: number) => me()?.memberships.some((m) => m.organisationId === organisationId) ?? false;
  /** The funder the viewer acts for: the current organisation if it funds the order, else the first one it belongs to. */
  const funderId = () => {
    const funders = props.view.totals.funders;
    const current = currentMembership()?.organisationId;
    return (funders.find((f) => f.organisationId === current) ?? funders.find((f) => memberOf(f.organisationId)))?.organisationId;
  };

  return (
    <Show when={props.view.viewer.isFunder && funderId()} keyed>
      {(funder) => (
        <section class="card pass-panel" aria-labelledby="pass-panel-title" data-testid="pass-panel">
          <h2 id="pass-panel-title">{tp('passes.title')}</h2>
          <Show
            when={props.view.order.passRequired}
            fallback={
              <>
                <p class="notice" data-testid="pass-declarative">
                  {tp('passes.declarative')}
                </p>
                <p class="muted">{tp('passes.declarativeHint')}</p>
              </>
            }
          >
            <PassFollowUp orderId={props.view.order.id} funderId={funder} />
          </Show>
        </section>
      )}
    </Show>
  );
}

function PassFollowUp(props: { orderId: number; funderId: number }) {
  const [passes, { refetch }] = createResource(() => props.orderId, fetchOrderPasses);
  const [state, setState] = createStore<{ counts?: PassCounts; booklets: OrderBooklet[] }>({ booklets: [] });
  createEffect(() => {
    const fresh = valueOf(passes);
    if (!fresh) return;
    setState('counts', fresh.counts);
    setState('booklets', reconcile(fresh.booklets, { key: 'id' }));
  });
  // The counts travel in the message and show at once; the booklets' rows follow with a refetch
  // (a later refetch supersedes one still running, so the last answer is the newest).
  useRoom(
    `org:${props.funderId}`,
    'passes.updated',
    (message) => {
      if (message.payload.orderId !== props.orderId) return;
      setState('counts', { ...message.payload });
      void refetch();
    },
    () => void refetch(),
  );

  const [selected, setSelected] = createSignal<ReadonlySet<number>>(new Set());
  const isSelected = (id: number) => selected().has(id);
  const toggle = (id: number, on: boolean) =>
    setSelected((set) => {
      const next = new Set(set);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allSelected = () => state.booklets.length > 0 && state.booklets.every((b) => selected().has(b.id));
  const selectedIds = () => state.booklets.filter((b) => selected().has(b.id)).map((b) => b.id);

  const [announcement, setAnnouncement] = createSignal('');
  const changed = (message: string) => {
    setAnnouncement(message);
    void refetch();
  };

  return (
    <>
      <Show when={passes.error}>
        <ErrorBox error={passes.error} />
      </Show>
      <Show when={state.counts} fallback={<Show when={!passes.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(counts) => (
          <>
            <PassCountsList counts={counts()} />
            <p role="status" class="success" data-testid="pass-status">
              {announcement()}
            </p>
            <Show
              when={counts().issuableQuantity > 0}
              fallback={
                <p class="muted" data-testid="pass-issue-none">
                  {tp('passes.nothingToIssue')}
                </p>
              }
            >
              <IssueForm orderId={props.orderId} funderId={props.funderId} issuable={counts().issuableQuantity} onIssued={changed} />
            </Show>

            <h3 id="pass-booklets-title" class="pass-subtitle">
              {tp('passes.booklets')}
            </h3>
            <Show when={state.booklets.length > 0} fallback={<p data-testid="pass-booklets-empty">{tp('passes.bookletsEmpty')}</p>}>
              <div class="pass-toolbar">
                <AssignForm
                  funderId={props.funderId}
                  selectedIds={selectedIds()}
                  onAssigned={(message) => {
                    setSelected(new Set<number>());
                    changed(message);
                  }}
                />
                <ExportButton orderId={props.orderId} funderId={props.funderId} selectedIds={selectedIds()} onExported={setAnnouncement} />
              </div>
              <p class="muted" aria-live="polite" data-testid="pass-selection">
                {tp('passes.selectedCount', { count: selectedIds().length })}
              </p>
              <div class="table-scroll">
                <table aria-labelledby="pass-booklets-title" data-testid="pass-booklets">
                  <thead>
                    <tr>
                      <th scope="col" class="select-cell">
                        <input
                          type="checkbox"
                          aria-label={tp('passes.selectAll')}
                          checked={allSelected()}
                          onChange={(e) => setSelected(e.currentTarget.checked ? new Set(state.booklets.map((b) => b.id)) : new Set<number>())}
                          data-testid="booklet-select-all"
                        />
                      </th>
                      <th scope="col">{tp('passes.number')}</th>
                      <th scope="col">{tp('passes.statusColumn')}</th>
                      <th scope="col">{tp('passes.prescriber')}</th>
                      <th scope="col">{tp('passes.handedOutOn')}</th>
                      <th scope="col" class="num">{tp('passes.used')}</th>
                      <th scope="col">{tp('passes.printColumn')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={state.booklets}>
                      {(booklet) => (
                        <tr data-testid="booklet-row" data-number={booklet.number} data-status={booklet.status} classList={{ selected: isSelected(booklet.id) }}>
                          <td class="select-cell">
                            <input
                              type="checkbox"
                              aria-label={tp('passes.selectBooklet', { number: booklet.number })}
                              checked={isSelected(booklet.id)}
                              onChange={(e) => toggle(booklet.id, e.currentTarget.checked)}
                              data-testid="booklet-select"
                            />
                          </td>
                          <th scope="row">{tp('passes.bookletNumber', { number: booklet.number })}</th>
                          <td>
                            <BookletStatusBadge status={booklet.status} />
                          </td>
                          <td data-testid="booklet-prescriber">{booklet.prescriberName ?? '—'}</td>
                          <td>{booklet.handedOutOn ? formatDate(booklet.handedOutOn) : '—'}</td>
                          <td class="num" data-testid="booklet-used">
                            {tp('passes.usedValue', { redeemed: booklet.redeemed, size: booklet.size })}
                          </td>
                          <td>
                            <A href={`/carnets/${booklet.id}/imprimer`} aria-label={tp('passes.printBooklet', { number: booklet.number })} data-testid="booklet-print-link">
                              {tp('passes.printLink')}
                            </A>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </>
        )}
      </Show>
    </>
  );
}

/** The figures of an order's pass, in the order of a booklet's life: the panel shows them all, the funder's space `summary` ones. */
export const PASS_COUNT_FIGURES: { key: string; label: PassMessageKey; field: Exclude<keyof PassCounts, 'orderId' | 'issuableQuantity'>; summary: boolean }[] = [
  { key: 'booklets-issued', label: 'passes.countBookletsIssued', field: 'bookletsIssued', summary: false },
  { key: 'issued', label: 'passes.countIssued', field: 'passesIssued', summary: true },
  { key: 'assigned', label: 'passes.countAssigned', field: 'bookletsAssigned', summary: false },
  { key: 'handed-out', label: 'passes.countHandedOut', field: 'bookletsHandedOut', summary: true },
  { key: 'started', label: 'passes.countStarted', field: 'bookletsStarted', summary: true },
  { key: 'fully-used', label: 'passes.countFullyUsed', field: 'bookletsFullyUsed', summary: true },
  { key: 'redeemed', label: 'passes.countRedeemed', field: 'passesRedeemed', summary: true },
  { key: 'expired', label: 'passes.countExpired', field: 'passesExpired', summary: true },
];

/** One figure per stage of a booklet's life, each readable by a test from its `data-count`. */
function PassCountsList(props: { counts: PassCounts }) {
  const items = () => PASS_COUNT_FIGURES.map((f) => ({ key: f.key, label: f.label, value: props.counts[f.field] }));
  return (
    <dl class="pass-counts" data-testid="pass-counts">
      <For each={items()}>
        {(item) => (
          <div>
            <dt>{tp(item.label)}</dt>
            <dd data-testid={`pass-count-${item.key}`} data-count={item.value}>
              {formatNumber(item.value)}
            </dd>
          </div>
        )}
      </For>
    </dl>
  );
}

/** Booklets of N pass each, never beyond the funded quantity: the server says by how much when it is. */
function IssueForm(props: { orderId: number; funderId: number; issuable: number; onIssued: (message: string) => void }) {
  const [booklets, setBooklets] = createSignal('1');
  const [size, setSize] = createSignal(String(DEFAULT_BOOKLET_SIZE));
  const submission = createSubmission();
  const total = () => {
    const n = parseCount(booklets());
    const s = parseCount(size());
    return Number.isSafeInteger(n) && Number.isSafeInteger(s) && n > 0 && s > 0 ? n * s : undefined;
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = IssueBookletsInput.safeParse({ orderId: props.orderId, organisationId: props.funderId, booklets: parseCount(booklets()), size: parseCount(size()) });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const answer: { issued?: number; booklets?: number } = {};
    const ok = await submission.run(async () => {
      const result = await issueBooklets(parsed.data);
      answer.issued = result.issued;
      answer.booklets = result.bookletIds.length;
    });
    if (!ok) return;
    props.onIssued(tp('passes.issuedDone', { booklets: answer.booklets ?? 0, passes: answer.issued ?? 0 }));
  };

  return (
    <form class="subform" onSubmit={onSubmit} novalidate aria-labelledby="pass-issue-title" data-testid="pass-issue-form">
      <h3 id="pass-issue-title">{tp('passes.issueTitle')}</h3>
      <p class="muted" data-testid="pass-issuable" data-count={props.issuable}>
        {tp('passes.issuable', { count: formatNumber(props.issuable) })}
      </p>
      <FormAlert message={submission.error()} />
      <div class="field-row">
        <TextField
          name="booklets"
          id="pass-issue-booklets"
          label={tp('passes.issueBooklets')}
          inputMode="numeric"
          required
          value={booklets()}
          onInput={setBooklets}
          error={submission.fieldError('booklets')}
          testid="pass-issue-booklets"
        />
        <TextField
          name="size"
          id="pass-issue-size"
          label={tp('passes.issueSize')}
          hint={tp('passes.issueSizeHint', { size: DEFAULT_BOOKLET_SIZE })}
          inputMode="numeric"
          required
          value={size()}
          onInput={setSize}
          error={submission.fieldError('size')}
          testid="pass-issue-size"
        />
      </div>
      <p class="muted" aria-live="polite">
        <Show when={total()}>{(n) => <>{tp('passes.issueTotal', { count: formatNumber(n()) })}</>}</Show>
      </p>
      <button type="submit" class="button" disabled={submission.pending()} data-testid="pass-issue-submit">
        {submission.pending() ? t('form.sending') : tp('passes.issueSubmit')}
      </button>
    </form>
  );
}

/** Gives the selected booklets to one of the funder's prescribers, or takes them back. */
function AssignForm(props: { funderId: number; selectedIds: number[]; onAssigned: (message: string) => void }) {
  const [prescribers] = createResource(() => props.funderId, fetchPrescribersOfFunder);
  const [target, setTarget] = createSignal('');
  const submission = createSubmission();
  const NONE = 'none';

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (props.selectedIds.length === 0) return submission.refuse({}, tp('passes.selectFirst'));
    if (target() === '') return submission.refuse({ prescriberOrganisationId: [tp('passes.choosePrescriber')] }, t('form.invalid'));
    const parsed = AssignBookletsInput.safeParse({
      organisationId: props.funderId,
      bookletIds: props.selectedIds,
      prescriberOrganisationId: target() === NONE ? null : Number(target()),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const ok = await submission.run(() => assignBooklets(parsed.data));
    if (!ok) return;
    const name = valueOf(prescribers)?.find((p) => p.organisationId === parsed.data.prescriberOrganisationId)?.name;
    const count = parsed.data.bookletIds.length;
    props.onAssigned(name ? tp('passes.assignedDone', { count, prescriber: name }) : tp('passes.withdrawnDone', { count }));
  };

  const error = () => submission.fieldError('prescriberOrganisationId');
  return (
    <form class="pass-assign" onSubmit={onSubmit} novalidate aria-labelledby="pass-assign-title" data-testid="pass-assign-form">
      <h4 id="pass-assign-title">{tp('passes.assignTitle')}</h4>
      <FormAlert message={submission.error() ?? submission.fieldError('bookletIds')} />
      <Show
        when={(valueOf(prescribers)?.length ?? 0) > 0}
        fallback={
          <Show when={valueOf(prescribers)}>
            <p data-testid="pass-no-prescriber">
              {tp('passes.noPrescriber')} <A href={`/espace/${props.funderId}/prescripteurs`}>{tp('passes.invitePrescriber')}</A>
            </p>
          </Show>
        }
      >
        <div class="field">
          <label for="pass-assign-prescriber">{tp('passes.assignPrescriber')}</label>
          <select
            id="pass-assign-prescriber"
            value={target()}
            onChange={(e) => {
              setTarget(e.currentTarget.value);
              submission.reset();
            }}
            aria-invalid={!!error()}
            aria-describedby={error() ? 'pass-assign-prescriber-error' : undefined}
            data-testid="pass-assign-prescriber"
          >
            <option value="">{tp('passes.assignChoose')}</option>
            <For each={valueOf(prescribers)}>{(p) => <option value={String(p.organisationId)}>{p.name}</option>}</For>
            <option value={NONE}>{tp('passes.assignNone')}</option>
          </select>
          <Show when={error()}>
            <p id="pass-assign-prescriber-error" class="field-error">
              {error()}
            </p>
          </Show>
        </div>
        <button type="submit" class="button" disabled={submission.pending()} data-testid="pass-assign-submit">
          {submission.pending() ? t('form.sending') : tp('passes.assignSubmit')}
        </button>
        <p class="hint">
          <A href={`/espace/${props.funderId}/prescripteurs`}>{tp('passes.managePrescribers')}</A>
        </p>
      </Show>
    </form>
  );
}

/** The codes as a French CSV: the selected booklets, or all of the order's. */
function ExportButton(props: { orderId: number; funderId: number; selectedIds: number[]; onExported: (message: string) => void }) {
  const submission = createSubmission();
  const onClick = async () => {
    let filename = '';
    const ids = props.selectedIds;
    const ok = await submission.run(async () => {
      const file = await exportPassesCsv({ orderId: props.orderId, organisationId: props.funderId, bookletIds: ids.length ? ids : undefined });
      downloadFile({ filename: file.fileName, content: file.csv });
      filename = file.fileName;
    });
    if (ok) props.onExported(tp('passes.exported', { filename }));
  };
  return (
    <div class="pass-export">
      <h4>{tp('passes.exportTitle')}</h4>
      <FormAlert message={submission.error()} />
      <p class="hint">{props.selectedIds.length ? tp('passes.exportSelected', { count: props.selectedIds.length }) : tp('passes.exportAll')}</p>
      <button type="button" class="button ghost" onClick={onClick} disabled={submission.pending()} data-testid="pass-export-csv">
        {submission.pending() ? t('form.sending') : tp('passes.exportSubmit')}
      </button>
    </div>
  );
}
