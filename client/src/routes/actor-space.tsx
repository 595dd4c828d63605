import { A } from '@solidjs/router';
import { fetchPlacesOfOrganisation } from '../api/places';
import type { Organisation } from '../api/organisations';
import { PlaceList } from '../components/place-list';
import { t } from '../i18n';

export function ActorSpace(props: { organisation: Organisation }) {
  return (
    <section aria-labelledby="actor-title">
      <p class="eyebrow">{t('kind.actor')}</p>
      <h1 id="actor-title">
        {t('actor.title')} — {props.organisation.name}
      </h1>
      <p>{t('actor.intro')}</p>
      <div class="actions">
        <A class="button" href={`/espace/${props.organisation.id}/candidature`} data-testid="application-link">
          {t('actor.apply')}
        </A>
        <A class="button ghost" href={`/espace/${props.organisation.id}/commandes`} data-testid="open-orders-link">
          {t('nav.openOrders')}
        </A>
      </div>
      <PlaceList load={() => fetchPlacesOfOrganisation(props.organisation.id)} empty={t('actor.empty')} />
    </section>
  );
}
