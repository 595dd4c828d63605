import { A, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { BidStatus, PartnershipEventKind } from '../../../shared/domain/enums';
import { departementLabel } from '../../../shared/domain/territory';
import { fetchPartnership, type PartnershipDetail, type PartnershipEvent, type PartnershipMember } from '../api/partnerships';
import type { PlaceSummary } from '../api/places';
import { BidStatusBadge } from '../components/badges';
import { ErrorBox } from '../components/error-box';
import { OpenDraftForm } from '../components/open-draft-form';
import { HandoverForm, InviteForm, MembersTable } from '../components/partnership-members';
import { ProgressLine } from '../components/progress-line';
import { RatioBar } from '../components/ratio-bar';
import { formatBps, formatDateTime, formatNumber, money, t } from '../i18n';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';
import { isMemberOf, ratio } from '../session';

/** `/partenariats/:partnershipId`: one partnership, live; a new id mounts a new page (new room). */
export function PartnershipPage() {
  const params = useParams();
  return (
    <Show when={Number(params.partnershipId)} keyed>
      {(partnershipId) => <PartnershipView partnershipId={partnershipId} />}
    </Show>
  );
}

type Info = Omit<PartnershipDetail, 'members' | 'events' | 'drafts' | 'activePlaces'>;
type Draft = PartnershipDetail['drafts'][number];
type Figures = PlaceSummary['figures'];

function PartnershipView(props: { partnershipId: number }) {
  const [loaded, { refetch }] = createResource(() => props.partnershipId, fetchPartnership);
  // Lists merged by key, so that a refetch keeps rows (and the focus in them) in place.
  const [store, setStore] = createStore<{ info?: Info; members: PartnershipMember[]; events: PartnershipEvent[]; drafts: Draft[]; places: PlaceSummary[] }>({
    members: [],
    events: [],
    drafts: [],
    places: [],
  });
  createEffect(() => {
    const detail = valueOf(loaded);
    if (!detail) return;
    const { members, events, drafts, activePlaces, ...info } = detail;
    setStore('info', reconcile(info));
    setStore('members', reconcile(members, { key: 'placeId' }));
    setStore('events', reconcile(events, { key: 'id' }));
    setStore('drafts', reconcile(drafts, { key: 'id' }));
    setStore('places', reconcile(activePlaces, { key: 'id' }));
  });

  const [announcement, setAnnouncement] = createSignal('');
  const [outcome, setOutcome] = createSignal('');
  const reload = () => void refetch();

  useRoom(
    `partnership:${props.partnershipId}`,
    'partnership.updated',
    () => {
      setAnnouncement(t('partnershipPage.updated'));
      reload();
    },
    reload,
  );

  const mergeFigures = (placeId: number, figures: Figures) => {
    const index = store.places.findIndex((p) => p.id === placeId);
    if (index >= 0 && store.places[index]!.figures.year === figures.year) setStore('places', index, 'figures', figures);
  };

  const isLead = () => !!store.info && isMemberOf(store.info.leadOrganisationId);

  const placeName = (id: number | null) => (id === null ? '' : (store.members.find((m) => m.placeId === id)?.placeName ?? t('activity.somePlace', { id })));
  const organisationName = (id: number | null) => {
    if (id === null) return '';
    if (store.info && id === store.info.leadOrganisationId) return store.info.leadName;
    return store.members.find((m) => m.organisationId === id)?.organisationName ?? t('activity.someOrganisation', { id });
  };
  const describe = (event: PartnershipEvent) =>
    t(`activity.${event.kind as PartnershipEventKind}`, { place: placeName(event.placeId), organisation: organisationName(event.organisationId) });

  return (
    <>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement()}
      </p>
      <Show when={loaded.error}>
        <ErrorBox error={loaded.error} />
      </Show>
      <Show when={store.info} fallback={<Show when={!loaded.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(info) => (
          <article aria-labelledby="partnership-page-title" data-testid="partnership-page">
            <p class="eyebrow">{t('partnershipPage.eyebrow', { kind: t(`partnershipKind.${info().kind}`) })}</p>
            <h1 id="partnership-page-title">{info().name}</h1>
            <p>
              <A href="/partenariats">{t('partnershipPage.back')}</A>
            </p>
            <p class="success" role="status">
              {outcome()}
            </p>

            <section class="card" aria-labelledby="partnership-about-title">
              <h2 id="partnership-about-title">{t('partnershipPage.about')}</h2>
              <dl class="facts compact">
                <div>
                  <dt>{t('partnerships.kind')}</dt>
                  <dd>{t(`partnershipKind.${info().kind}`)}</dd>
                </div>
                <div>
                  <dt>{t('partnerships.lead')}</dt>
                  <dd data-testid="partnership-lead">
                    {info().leadName}
                    <Show when={isLead()}>
                      <span class="tag"> ({t('partnershipPage.youLead')})</span>
                    </Show>
                  </dd>
                </div>
                <div>
                  <dt>{t('partnerships.fee')}</dt>
                  <dd data-testid="partnership-fee-value">{t('partnerships.feeValue', { percent: formatBps(info().poolingFeeBps) })}</dd>
                </div>
                <div>
                  <dt>{t('partnerships.territory')}</dt>
                  <dd>{info().departementCodes.map(departementLabel).join(', ')}</dd>
                </div>
                <div>
                  <dt>{t('partnerships.activeMembers')}</dt>
                  <dd>{formatNumber(info().activeMembers)}</dd>
                </div>
                <div>
                  <dt>{t('partnershipPage.charter')}</dt>
                  <dd class="description">{info().charter || t('partnershipPage.noCharter')}</dd>
                </div>
              </dl>
            </section>

            <div class="order-grid">
              <section class="card" aria-labelledby="pooled-title" data-testid="pooled-volume">
                <h2 id="pooled-title">{t('pooled.title')}</h2>
                <dl class="facts money-facts">
                  <div>
                    <dt>{t('pooled.awarded')}</dt>
                    <dd data-testid="pooled-awarded">
                      {t('pooled.awardedValue', { count: formatNumber(info().pooled.awardedQuantity), amount: money(info().pooled.awardedCents) })}
                    </dd>
                  </div>
                  <div>
                    <dt>{t('pooled.delivered')}</dt>
                    <dd data-testid="pooled-delivered">{money(info().pooled.deliveredCents)}</dd>
                  </div>
                </dl>
                <ProgressLine
                  value={info().pooled.deliveredCents}
                  max={info().pooled.awardedCents}
                  label={t('pooled.progressLabel', { delivered: money(info().pooled.deliveredCents), awarded: money(info().pooled.awardedCents) })}
                  text=""
                />
              </section>
              <section class="card" aria-labelledby="fee-account-title">
                <h2 id="fee-account-title">{t('feeAccount.title')}</h2>
                <p class="kpi-value" data-testid="fee-account">
                  {money(info().feeAccountCents)}
                </p>
                <p class="muted">{t('feeAccount.intro', { percent: formatBps(info().poolingFeeBps) })}</p>
              </section>
            </div>

            <section aria-labelledby="members-title">
              <h2 id="members-title">{t('partnershipPage.members')}</h2>
              <MembersTable partnership={info()} members={store.members} onChanged={reload} />
              <Show when={isLead()}>
                <div class="order-grid">
                  <InviteForm partnership={info()} members={store.members} onChanged={reload} />
                  <HandoverForm
                    partnership={info()}
                    members={store.members}
                    onHandedOver={(message) => {
                      setOutcome(message);
                      reload();
                    }}
                  />
                </div>
              </Show>
            </section>

            <section aria-labelledby="drafts-title">
              <h2 id="drafts-title">{t('partnershipDrafts.title')}</h2>
              <Show when={store.drafts.length > 0} fallback={<p>{t('partnershipDrafts.empty')}</p>}>
                <ul class="plain draft-list">
                  <For each={[...store.drafts].reverse()}>
                    {(draft) => (
                      <li>
                        <A href={`/offres-communes/${draft.id}`} data-testid="draft-link" data-bid-id={draft.id}>
                          {t('partnershipDrafts.order', { id: draft.orderId })}
                        </A>{' '}
                        <BidStatusBadge status={draft.status as BidStatus} />{' '}
                        <span class="tag">{t('partnershipDrafts.version', { version: draft.version })}</span>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
              <Show when={isLead()}>
                <OpenDraftForm partnershipId={info().id} leadOrganisationId={info().leadOrganisationId} />
              </Show>
            </section>

            <section aria-labelledby="gauges-title">
              <h2 id="gauges-title">{t('partnershipPage.gauges')}</h2>
              <p class="muted">{t('ratio.band', { floor: money(ratio().floorCents), ceiling: money(ratio().ceilingCents) })}</p>
              <Show when={store.places.length > 0} fallback={<p>{t('partnershipPage.noActive')}</p>}>
                <ul class="gauge-grid plain" aria-live="polite">
                  <For each={store.places}>
                    {(place) => {
                      useRoom(
                        `place:${place.id}`,
                        'place.figures',
                        (message) => {
                          const { placeId, ...figures } = message.payload;
                          mergeFigures(placeId, figures);
                        },
                        reload,
                      );
                      return (
                        <li class="card" data-testid="member-gauge" data-place-id={place.id}>
                          <h3>{place.name}</h3>
                          <p class="tag">
                            {organisationName(place.organisationId)} · {place.mainCommune.nom} ({place.departement.nom})
                          </p>
                          <RatioBar
                            placeName={place.name}
                            year={place.figures.year}
                            deliveredCents={place.figures.revenueDeliveredCents}
                            committedCents={place.figures.revenueCommittedCents}
                            ratio={ratio()}
                          />
                        </li>
                      );
                    }}
                  </For>
                </ul>
              </Show>
            </section>

            <section aria-labelledby="activity-title">
              <h2 id="activity-title">{t('activity.title')}</h2>
              <Show when={store.events.length > 0} fallback={<p>{t('activity.empty')}</p>}>
                <ol class="activity plain">
                  <For each={store.events}>
                    {(event) => (
                      <li data-testid="activity-item" data-kind={event.kind}>
                        <time datetime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
                        <span>{describe(event)}</span>
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
            </section>
          </article>
        )}
      </Show>
    </>
  );
}
