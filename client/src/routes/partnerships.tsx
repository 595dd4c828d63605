import { A } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { departementLabel } from '../../../shared/domain/territory';
import { fetchMyPartnerships } from '../api/partnerships';
import { ErrorBox } from '../components/error-box';
import { formatBps, formatNumber, t } from '../i18n';
import { valueOf } from '../resource';
import { actorOrganisationId } from '../session';

/** `/partenariats`: the partnerships the user's organisations take part in. */
export function PartnershipsPage() {
  const [partnerships] = createResource(fetchMyPartnerships);

  return (
    <section aria-labelledby="partnerships-title">
      <h1 id="partnerships-title">{t('partnerships.title')}</h1>
      <p>{t('partnerships.intro')}</p>
      <Show when={actorOrganisationId()}>
        {(organisationId) => (
          <div class="actions">
            <A class="button" href={`/partenariats/nouveau?organisation=${organisationId()}`} data-testid="new-partnership-link">
              {t('partnerships.new')}
            </A>
          </div>
        )}
      </Show>
      <Show when={partnerships.error}>
        <ErrorBox error={partnerships.error} />
      </Show>
      <Show when={valueOf(partnerships)} fallback={<Show when={!partnerships.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p data-testid="partnerships-empty">{t('partnerships.empty')}</p>}>
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{t('partnerships.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('partnerships.name')}</th>
                    <th scope="col">{t('partnerships.kind')}</th>
                    <th scope="col">{t('partnerships.lead')}</th>
                    <th scope="col" class="num">{t('partnerships.activeMembers')}</th>
                    <th scope="col" class="num">{t('partnerships.fee')}</th>
                    <th scope="col">{t('partnerships.territory')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>
                    {(p) => (
                      <tr data-testid="partnership-row" data-partnership-id={p.id}>
                        <th scope="row">
                          <A href={`/partenariats/${p.id}`}>{p.name}</A>
                        </th>
                        <td>{t(`partnershipKind.${p.kind}`)}</td>
                        <td>{p.leadName}</td>
                        <td class="num">{formatNumber(p.activeMembers)}</td>
                        <td class="num">{formatBps(p.poolingFeeBps)}</td>
                        <td>{p.departementCodes.map(departementLabel).join(', ')}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </section>
  );
}
