import { A } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { fetchMyPartnerships } from '../api/partnerships';
import { fetchPlacesOfPartnership } from '../api/places';
import type { Organisation } from '../api/organisations';
import { PlaceList } from '../components/place-list';
import { t } from '../i18n';
import { valueOf } from '../resource';

export function PartnershipSpace(props: { organisation: Organisation }) {
  // The space is addressed by the partnership's organisation; its page by the partnership's own id.
  const [partnerships] = createResource(fetchMyPartnerships);
  const partnershipId = () => valueOf(partnerships)?.find((p) => p.organisationId === props.organisation.id)?.id;
  return (
    <section aria-labelledby="partnership-title">
      <p class="eyebrow">{t('kind.partnership')}</p>
      <h1 id="partnership-title">{props.organisation.name}</h1>
      <Show when={partnershipId()}>
        {(id) => (
          <div class="actions">
            <A class="button" href={`/partenariats/${id()}`} data-testid="partnership-page-link">
              {t('partnership.pageLink')}
            </A>
          </div>
        )}
      </Show>
      <h2>{t('partnership.members')}</h2>
      <PlaceList load={() => fetchPlacesOfPartnership(props.organisation.id)} empty={t('actor.empty')} />
    </section>
  );
}
