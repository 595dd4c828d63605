import { A } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { departementLabel } from '../../../shared/domain/territory';
import { HANDOUT_CATEGORIES, type HandoutCategory } from '../../../shared/domain/enums';
import { todayIso } from '../../../shared/domain/orders';
import { HandOutBookletInput } from '../../../shared/schemas/passes';
import type { Organisation } from '../api/organisations';
import { fetchPrescriberBooklets, handOutBooklet, type PrescriberBooklet } from '../api/passes';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { BookletStatusBadge } from '../components/pass-panel';
import { TextField } from '../components/text-field';
import { createSubmission } from '../forms';
import { formatDate, formatNumber, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';

/**
 * `/espace/:id` of a prescriber (issue 11): the booklets its funders gave it, grouped by order,
 * each to note as handed to a person (a date, an optional anonymous category, nothing more) and
 * to print. Live on the organisation's room: a redemption at a place shows at once.
 */
export function PrescriberSpace(props: { organisation: Organisation }) {
  const [booklets, { refetch }] = createResource(() => props.organisation.id, fetchPrescriberBooklets);
  const [store, setStore] = createStore<PrescriberBooklet[]>([]);
  createEffect(() => {
    const list = valueOf(booklets);
    if (list) setStore(reconcile(list, { key: 'id' }));
  });
  useRoom(`org:${props.organisation.id}`, 'passes.updated', () => void refetch(), () => void refetch());
  const [announcement, setAnnouncement] = createSignal('');

  // Grouped by order through ids (stable values), so that an update keeps each booklet's form as it is.
  const orderIds = createMemo(() => [...new Set(store.map((b) => b.orderId))], undefined, { equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]) });
  const bookletsOf = (orderId: number) => store.filter((b) => b.orderId === orderId);
  const totals = () => ({
    held: store.length,
    handedOut: store.filter((b) => b.handedOutOn).length,
    redeemed: store.reduce((sum, b) => sum + b.redeemed, 0),
  });

  return (
    <section aria-labelledby="prescriber-title" data-testid="prescriber-space">
      <p class="eyebrow">{tp('prescribers.kind')}</p>
      <h1 id="prescriber-title">{props.organisation.name}</h1>
      <Show when={props.organisation.departementCode}>{(code) => <p class="muted">{tp('prescribers.territoryValue', { territory: departementLabel(code()) })}</p>}</Show>
      <p>{tp('prescribers.spaceIntro')}</p>
      <p class="notice">{tp('prescribers.privacy')}</p>
      <p role="status" class="success" data-testid="handout-status">
        {announcement()}
      </p>
      <Show when={booklets.error}>
        <ErrorBox error={booklets.error} />
      </Show>
      <Show when={valueOf(booklets)} fallback={<Show when={!booklets.error}><p class="loading">{t('app.loading')}</p></Show>}>
        <dl class="pass-counts">
          <div>
            <dt>{tp('prescribers.held')}</dt>
            <dd data-testid="prescriber-held" data-count={totals().held}>
              {formatNumber(totals().held)}
            </dd>
          </div>
          <div>
            <dt>{tp('prescribers.handedOut')}</dt>
            <dd data-testid="prescriber-handed-out" data-count={totals().handedOut}>
              {formatNumber(totals().handedOut)}
            </dd>
          </div>
          <div>
            <dt>{tp('prescribers.redeemed')}</dt>
            <dd data-testid="prescriber-redeemed" data-count={totals().redeemed}>
              {formatNumber(totals().redeemed)}
            </dd>
          </div>
        </dl>
        <Show when={store.length > 0} fallback={<p data-testid="prescriber-booklets-empty">{tp('prescribers.bookletsEmpty')}</p>}>
          <For each={orderIds()}>
            {(orderId) => (
              <Show when={bookletsOf(orderId)[0]}>
                {(first) => (
                  <section class="card" aria-labelledby={`prescriber-order-${orderId}`} data-testid="prescriber-order" data-order={orderId}>
                    <h2 id={`prescriber-order-${orderId}`}>{first().orderTitle}</h2>
                    <dl class="facts">
                      <div>
                        <dt>{tp('booklet.services')}</dt>
                        <dd>
                          <ul class="chips">
                            <For each={first().services}>{(s) => <li>{s}</li>}</For>
                          </ul>
                        </dd>
                      </div>
                      <div>
                        <dt>{tp('booklet.validity')}</dt>
                        <dd>{tp('booklet.validFromTo', { from: formatDate(first().deliveryStartsOn), to: formatDate(first().validUntil) })}</dd>
                      </div>
                    </dl>
                    <ul class="plain booklet-list">
                      <For each={bookletsOf(orderId)}>
                        {(booklet) => (
                          <BookletItem
                            booklet={booklet}
                            organisationId={props.organisation.id}
                            onHandedOut={(message) => {
                              setAnnouncement(message);
                              void refetch();
                            }}
                          />
                        )}
                      </For>
                    </ul>
                  </section>
                )}
              </Show>
            )}
          </For>
        </Show>
      </Show>
    </section>
  );
}

function BookletItem(props: { booklet: PrescriberBooklet; organisationId: number; onHandedOut: (message: string) => void }) {
  const status = () => props.booklet.status;
  const headingId = () => `booklet-${props.booklet.id}-title`;
  return (
    <li class="booklet-item" data-testid="prescriber-booklet" data-number={props.booklet.number} data-order={props.booklet.orderId} data-status={status()}>
      <div class="booklet-item-header">
        <h3 id={headingId()}>{tp('passes.bookletNumber', { number: props.booklet.number })}</h3>
        <BookletStatusBadge status={status()} />
        <A
          class="booklet-item-print"
          href={`/carnets/${props.booklet.id}/imprimer`}
          aria-label={tp('passes.printBooklet', { number: props.booklet.number })}
          data-testid="booklet-print-link"
        >
          {tp('passes.printLink')}
        </A>
      </div>
      <dl class="facts compact">
        <div>
          <dt>{tp('passes.used')}</dt>
          <dd data-testid="booklet-used">{tp('passes.usedValue', { redeemed: props.booklet.redeemed, size: props.booklet.size })}</dd>
        </div>
        <Show when={props.booklet.handedOutOn}>
          {(on) => (
            <div>
              <dt>{tp('passes.handedOutOn')}</dt>
              <dd>
                {formatDate(on())}
                <Show when={props.booklet.handedOutCategory}>{(category) => <> · {tp(`passes.category.${category() as HandoutCategory}`)}</>}</Show>
              </dd>
            </div>
          )}
        </Show>
      </dl>
      <Show when={!props.booklet.handedOutOn && !props.booklet.expired}>
        <HandOutForm booklet={props.booklet} organisationId={props.organisationId} headingId={headingId()} onHandedOut={props.onHandedOut} />
      </Show>
    </li>
  );
}

/** A booklet went to a person: the day, and at most an anonymous category. No name, no contact. */
function HandOutForm(props: { booklet: PrescriberBooklet; organisationId: number; headingId: string; onHandedOut: (message: string) => void }) {
  const today = todayIso();
  const [date, setDate] = createSignal(today);
  const [category, setCategory] = createSignal('');
  const submission = createSubmission();
  const prefix = () => `handout-${props.booklet.id}`;
  const categoryError = () => submission.fieldError('category');

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = HandOutBookletInput.safeParse({
      organisationId: props.organisationId,
      bookletId: props.booklet.id,
      handedOutOn: date(),
      category: category() === '' ? null : category(),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const ok = await submission.run(() => handOutBooklet(parsed.data));
    if (ok) props.onHandedOut(tp('prescribers.handedOutDone', { number: props.booklet.number, date: formatDate(parsed.data.handedOutOn) }));
  };

  return (
    <form class="subform handout-form" onSubmit={onSubmit} novalidate aria-labelledby={`${prefix()}-title ${props.headingId}`} data-testid="handout-form">
      <h4 id={`${prefix()}-title`}>{tp('prescribers.handOutTitle')}</h4>
      <p class="hint">{tp('prescribers.handOutPrivacy')}</p>
      <FormAlert message={submission.error()} />
      <div class="field-row">
        <TextField
          name="handedOutOn"
          id={`${prefix()}-date`}
          type="date"
          label={tp('prescribers.handOutDate')}
          max={today}
          required
          value={date()}
          onInput={setDate}
          error={submission.fieldError('handedOutOn')}
          testid="handout-date"
        />
        <div class="field">
          <label for={`${prefix()}-category`}>{tp('prescribers.handOutCategory')}</label>
          <select
            id={`${prefix()}-category`}
            value={category()}
            onChange={(e) => setCategory(e.currentTarget.value)}
            aria-invalid={!!categoryError()}
            aria-describedby={categoryError() ? `${prefix()}-category-error` : undefined}
            data-testid="handout-category"
          >
            <option value="">{tp('prescribers.handOutNoCategory')}</option>
            <For each={HANDOUT_CATEGORIES}>{(c) => <option value={c}>{tp(`passes.category.${c}`)}</option>}</For>
          </select>
          <Show when={categoryError()}>
            <p id={`${prefix()}-category-error`} class="field-error">
              {categoryError()}
            </p>
          </Show>
        </div>
      </div>
      <button type="submit" class="button" disabled={submission.pending()} data-testid="handout-submit">
        {submission.pending() ? t('form.sending') : tp('prescribers.handOutSubmit')}
      </button>
    </form>
  );
}
