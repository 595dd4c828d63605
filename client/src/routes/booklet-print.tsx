import { A, useParams } from '@solidjs/router';
import { renderSVG } from 'uqr';
import { createResource, For, Show } from 'solid-js';
import { fetchBooklet, type PrintableBooklet } from '../api/passes';
import { ErrorBox } from '../components/error-box';
import { formatDate, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { valueOf } from '../resource';
import { currentMembership } from '../session';

/**
 * `/carnets/:bookletId/imprimer`: one booklet as an A4 sheet of pass cards to cut out, each with
 * its code, a QR code and what it pays for. The app's chrome and the buttons do not print.
 */
export function BookletPrintPage() {
  const params = useParams();
  const [booklet] = createResource(() => Number(params.bookletId) || undefined, fetchBooklet);
  /** Back to where the booklet is followed: the order for a funder, the space for a prescriber. */
  const backHref = (b: PrintableBooklet) => {
    const membership = currentMembership();
    return membership?.organisationKind === 'funder' ? `/commandes/${b.order.id}` : membership ? `/espace/${membership.organisationId}` : '/';
  };

  return (
    <section class="booklet-sheet" aria-labelledby="booklet-title" data-testid="booklet-print">
      <Show when={booklet.error}>
        <ErrorBox error={booklet.error} />
      </Show>
      <Show when={valueOf(booklet)} fallback={<Show when={!booklet.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(b) => (
          <>
            <header class="booklet-header">
              <h1 id="booklet-title">{tp('booklet.title', { number: b().number, title: b().order.title })}</h1>
              <p class="muted">
                {tp('booklet.summary', { size: b().size, funders: b().order.funders.join(', ') })}
                {' · '}
                {tp('booklet.validFromTo', { from: formatDate(b().order.deliveryStartsOn), to: formatDate(b().order.validUntil) })}
              </p>
              <div class="actions no-print">
                <button type="button" class="button" onClick={() => window.print()} data-testid="booklet-print-button">
                  {tp('booklet.print')}
                </button>
                <A href={backHref(b())}>{tp('booklet.back')}</A>
              </div>
              <p class="hint no-print">{tp('booklet.printHint')}</p>
              <Show when={b().expired}>
                <p class="alert error" role="alert" data-testid="booklet-expired">
                  {tp('booklet.expired')}
                </p>
              </Show>
            </header>
            <ul class="pass-cards" aria-label={tp('booklet.cards')}>
              <For each={b().passes}>
                {(pass) => (
                  <li class="pass-card" classList={{ redeemed: !!pass.redeemedAt }} data-testid="pass-card" data-rank={pass.rank}>
                    <div class="pass-card-head">
                      <p class="pass-card-rank">{tp('booklet.rank', { rank: pass.rank, size: b().size, number: b().number })}</p>
                      <p class="pass-code" data-testid="pass-code">
                        {pass.code}
                      </p>
                      <p class="pass-card-title">{b().order.title}</p>
                    </div>
                    <PassQr code={pass.code} />
                    <div class="pass-card-body">
                      <p class="pass-card-services">{b().order.services.join(' · ')}</p>
                      <p>{tp('booklet.validFromTo', { from: formatDate(b().order.deliveryStartsOn), to: formatDate(b().order.validUntil) })}</p>
                      <p>{tp('booklet.fundedBy', { funders: b().order.funders.join(', ') })}</p>
                      <Show when={pass.redeemedAt}>
                        {(at) => (
                          <p class="pass-card-used" data-testid="pass-redeemed">
                            {tp('booklet.redeemedOn', { date: formatDate(at()) })}
                          </p>
                        )}
                      </Show>
                      <p class="pass-card-how">{tp('booklet.cardHowTo')}</p>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </section>
  );
}

/**
 * A pass's QR code: the link of the place's redemption page with the code in the fragment, so a
 * phone that scans it never sends the code to a server. The SVG is the library's rendering of our
 * own text, inserted in an element of its own.
 */
function PassQr(props: { code: string }) {
  const svg = () => renderSVG(`${location.origin}/pass#${props.code}`, { ecc: 'M', border: 1 });
  return <div class="pass-qr" role="img" aria-label={tp('booklet.qrLabel', { code: props.code })} data-testid="pass-qr" innerHTML={svg()} />;
}
