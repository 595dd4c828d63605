import { Navigate, useParams } from '@solidjs/router';
import { createResource, Match, Show, Switch } from 'solid-js';
import { fetchOrganisation } from '../api/organisations';
import { ErrorBox } from '../components/error-box';
import { t } from '../i18n';
import { me } from '../session';
import { ActorSpace } from './actor-space';
import { FunderSpace } from './funder-space';
import { NationalPage } from './national';
import { PartnershipSpace } from './partnership-space';
import { PrescriberSpace } from './prescriber-space';

/** `/espace/:organisationId`: the page of one organisation, by its kind. */
export function OrganisationSpace() {
  const params = useParams();
  const organisationId = () => Number(params.organisationId);
  const [organisation] = createResource(() => (me() ? organisationId() : undefined), fetchOrganisation);

  return (
    <Switch fallback={<p class="loading">{t('app.loading')}</p>}>
      <Match when={me.state === 'ready' && !me()}>
        <Navigate href="/connexion" />
      </Match>
      <Match when={organisation.error}>
        <ErrorBox error={organisation.error} />
      </Match>
      <Match when={organisation()}>
        {(org) => (
          <Show when={org().id === organisationId()}>
            <Switch>
              <Match when={org().kind === 'actor'}>
                <ActorSpace organisation={org()} />
              </Match>
              <Match when={org().kind === 'funder'}>
                <FunderSpace organisation={org()} />
              </Match>
              <Match when={org().kind === 'partnership'}>
                <PartnershipSpace organisation={org()} />
              </Match>
              <Match when={org().kind === 'prescriber'}>
                <PrescriberSpace organisation={org()} />
              </Match>
              <Match when={org().kind === 'operator'}>
                <NationalPage />
              </Match>
            </Switch>
          </Show>
        )}
      </Match>
    </Switch>
  );
}
