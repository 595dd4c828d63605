import { fetchPlacesOfPartnership } from '../api/places';
import type { Organisation } from '../api/organisations';
import { PlaceList } from '../components/place-list';
import { t } from '../i18n';

export function PartnershipSpace(props: { organisation: Organisation }) {
  return (
    <section aria-labelledby="partnership-title">
      <p class="eyebrow">{t('kind.partnership')}</p>
      <h1 id="partnership-title">{props.organisation.name}</h1>
      <h2>{t('partnership.members')}</h2>
      <PlaceList load={() => fetchPlacesOfPartnership(props.organisation.id)} empty={t('actor.empty')} />
    </section>
  );
}
