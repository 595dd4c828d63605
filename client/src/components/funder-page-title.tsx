import { createResource, Show } from 'solid-js';
import { fetchOrganisation } from '../api/organisations';
import { t } from '../i18n';
import { valueOf } from '../resource';

/** The heading of a funder's own pages (spending, credits, statement): « Title — Funder name ». */
export function FunderPageTitle(props: { id: string; title: string; organisationId: number }) {
  const [organisation] = createResource(() => props.organisationId, fetchOrganisation);
  return (
    <>
      <p class="eyebrow">{t('kind.funder')}</p>
      <h1 id={props.id}>
        {props.title}
        <Show when={valueOf(organisation)}>{(org) => <> — {org().name}</>}</Show>
      </h1>
    </>
  );
}
