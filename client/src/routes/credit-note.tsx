import { A, useParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { fetchCreditNote } from '../api/credits';
import { fetchOrganisation } from '../api/organisations';
import { ErrorBox } from '../components/error-box';
import { formatDate, money, t } from '../i18n';
import { valueOf } from '../resource';

/** `/avoirs/:creditNoteId`: one credit note as a document the funder prints or saves as PDF. */
export function CreditNotePage() {
  const params = useParams();
  const [note] = createResource(() => Number(params.creditNoteId), fetchCreditNote);
  const [funder] = createResource(() => valueOf(note)?.funderOrganisationId, fetchOrganisation);

  return (
    <>
      <Show when={note.error}>
        <ErrorBox error={note.error} />
      </Show>
      <Show when={valueOf(note)} fallback={<Show when={!note.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(n) => (
          <article class="card document" aria-labelledby="credit-note-title" data-testid="credit-note" data-number={n().number}>
            <header class="document-header">
              <div>
                <p class="eyebrow">{t('app.name')}</p>
                <h1 id="credit-note-title">{t('creditNote.title', { number: n().number })}</h1>
              </div>
              <div class="no-print actions">
                <button type="button" class="button" onClick={() => window.print()} data-testid="credit-note-print">
                  {t('creditNote.print')}
                </button>
                <A href={`/espace/${n().funderOrganisationId}/avoirs`}>{t('creditNote.back')}</A>
              </div>
            </header>
            <dl class="facts">
              <div>
                <dt>{t('creditNote.number')}</dt>
                <dd>{n().number}</dd>
              </div>
              <div>
                <dt>{t('creditNote.date')}</dt>
                <dd>{formatDate(n().createdAt)}</dd>
              </div>
              <div>
                <dt>{t('creditNote.funder')}</dt>
                <dd>
                  {valueOf(funder)?.name ?? '—'}
                  <Show when={valueOf(funder)?.siret}>{(siret) => <span class="muted"> · {t('creditNote.siret', { siret: siret() })}</span>}</Show>
                </dd>
              </div>
              <div>
                <dt>{t('creditNote.order')}</dt>
                <dd>
                  <A href={`/commandes/${n().orderId}`}>{t('credits.orderValue', { id: n().orderId, title: n().orderTitle })}</A>
                </dd>
              </div>
              <div>
                <dt>{t('creditNote.reason')}</dt>
                <dd>{n().reason}</dd>
              </div>
              <div>
                <dt>{t('creditNote.amount')}</dt>
                <dd class="document-amount" data-testid="credit-note-amount" data-cents={n().amountCents}>
                  {money(n().amountCents, false)}
                </dd>
              </div>
            </dl>
            <p>{t('creditNote.body')}</p>
          </article>
        )}
      </Show>
    </>
  );
}
