import { A, useParams } from '@solidjs/router';
import { createEffect, createResource, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { departementLabel } from '../../../shared/domain/territory';
import { InvitePrescriberInput } from '../../../shared/schemas/passes';
import { fetchPrescribersOfFunder, invitePrescriber, renewInvitation, type Prescriber } from '../api/passes';
import { DepartementSelect } from '../components/departement-select';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { FunderPageTitle } from '../components/funder-page-title';
import { TextField } from '../components/text-field';
import { createSubmission } from '../forms';
import { formatNumber, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { useRoom } from '../realtime';
import { valueOf } from '../resource';

/** What the funder is told after an invitation: the link to pass on, or that the contact already has an account. */
interface Invited {
  name: string;
  contactName: string;
  contactEmail: string;
  link: string | null;
}

/**
 * `/espace/:organisationId/prescripteurs`: the funder's prescribers (CAF offices, town halls,
 * associations who hand pass booklets to people), what each holds, and the invitation form.
 * Their figures move with every hand-out and redemption: live on the funder's room.
 */
export function PrescribersPage() {
  const params = useParams();
  // Another funder's id mounts a new page (a new room).
  return (
    <Show when={Number(params.organisationId)} keyed>
      {(organisationId) => <PrescribersView organisationId={organisationId} />}
    </Show>
  );
}

function PrescribersView(props: { organisationId: number }) {
  const organisationId = () => props.organisationId;
  const [prescribers, { refetch }] = createResource(organisationId, fetchPrescribersOfFunder);
  const [store, setStore] = createStore<Prescriber[]>([]);
  createEffect(() => {
    const list = valueOf(prescribers);
    if (list) setStore(reconcile(list, { key: 'organisationId' }));
  });
  useRoom(`org:${organisationId()}`, 'passes.updated', () => void refetch(), () => void refetch());

  return (
    <section aria-labelledby="prescribers-title">
      <FunderPageTitle id="prescribers-title" title={tp('prescribers.title')} organisationId={organisationId()} />
      <p>{tp('prescribers.intro')}</p>
      <p>
        <A href={`/espace/${organisationId()}`}>{tp('prescribers.back')}</A>
      </p>
      <Show when={prescribers.error}>
        <ErrorBox error={prescribers.error} />
      </Show>
      <h2 id="prescribers-list-title">{tp('prescribers.listTitle')}</h2>
      <Show when={valueOf(prescribers)} fallback={<Show when={!prescribers.error}><p class="loading">{t('app.loading')}</p></Show>}>
        <Show when={store.length > 0} fallback={<p data-testid="prescribers-empty">{tp('prescribers.empty')}</p>}>
          <div class="table-scroll">
            <table aria-labelledby="prescribers-list-title" data-testid="prescribers-table">
              <thead>
                <tr>
                  <th scope="col">{tp('prescribers.name')}</th>
                  <th scope="col">{tp('prescribers.territory')}</th>
                  <th scope="col">{tp('prescribers.contact')}</th>
                  <th scope="col">{tp('prescribers.account')}</th>
                  <th scope="col" class="num">{tp('prescribers.bookletsAssigned')}</th>
                  <th scope="col" class="num">{tp('prescribers.bookletsHandedOut')}</th>
                  <th scope="col" class="num">{tp('prescribers.passesRedeemed')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={store}>
                  {(p) => (
                    <tr data-testid="prescriber-row" data-name={p.name}>
                      <th scope="row">{p.name}</th>
                      <td>
                        {p.departementCode ? departementLabel(p.departementCode) : '—'}
                        <Show when={p.communeCode}>{(code) => <span class="tag block">{tp('prescribers.communeValue', { code: code() })}</span>}</Show>
                      </td>
                      <td>
                        {p.contactName}
                        <span class="tag block">{p.contactEmail}</span>
                      </td>
                      <td>
                        <AccountCell funderId={organisationId()} prescriber={p} />
                      </td>
                      <td class="num" data-testid="prescriber-assigned" data-count={p.bookletsAssigned}>
                        {formatNumber(p.bookletsAssigned)}
                      </td>
                      <td class="num" data-testid="prescriber-handed-out" data-count={p.bookletsHandedOut}>
                        {formatNumber(p.bookletsHandedOut)}
                      </td>
                      <td class="num" data-testid="prescriber-redeemed" data-count={p.passesRedeemed}>
                        {formatNumber(p.passesRedeemed)}
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
      <InviteForm organisationId={organisationId()} onInvited={() => void refetch()} />
    </section>
  );
}

/**
 * The contact's account: active, or an invitation still to use — pending or expired — for which
 * the funder can get a new link (the earlier ones stop working).
 */
function AccountCell(props: { funderId: number; prescriber: Prescriber }) {
  const [link, setLink] = createSignal<string>();
  const submission = createSubmission();
  const waiting = () => props.prescriber.invitationPending || props.prescriber.invitationExpired;
  const renew = async () => {
    const answer: { path?: string } = {};
    const ok = await submission.run(async () => {
      answer.path = (await renewInvitation({ organisationId: props.funderId, prescriberOrganisationId: props.prescriber.organisationId })).invitationPath;
    });
    if (ok && answer.path) setLink(`${location.origin}${answer.path}`);
  };
  const state = () => (props.prescriber.invitationPending ? 'pending' : props.prescriber.invitationExpired ? 'expired' : 'active');
  return (
    <>
      <span class={`badge ${waiting() ? 'member-invited' : 'member-active'}`} data-testid="prescriber-account" data-pending={String(props.prescriber.invitationPending)} data-state={state()}>
        {props.prescriber.invitationPending ? tp('prescribers.invitationPending') : props.prescriber.invitationExpired ? tp('prescribers.invitationExpired') : tp('prescribers.invitationAccepted')}
      </span>
      <Show when={waiting()}>
        <button type="button" class="button ghost small" disabled={submission.pending()} onClick={() => void renew()} data-testid="prescriber-renew">
          {tp('prescribers.renew', { name: props.prescriber.name })}
        </button>
      </Show>
      <FormAlert message={submission.error()} />
      <Show when={link()}>
        {(url) => (
          <label class="block">
            <span class="tag block">{tp('prescribers.renewedLink')}</span>
            <input type="text" readonly value={url()} onFocus={(e) => e.currentTarget.select()} data-testid="prescriber-renewed-link" />
          </label>
        )}
      </Show>
    </>
  );
}

/** Invites a prescriber organisation: a name, a contact who becomes its administrator, a territory. No SIRET. */
function InviteForm(props: { organisationId: number; onInvited: () => void }) {
  const empty = { name: '', contactName: '', contactEmail: '', departementCode: '', communeCode: '' };
  const [form, setForm] = createStore({ ...empty });
  const [invited, setInvited] = createSignal<Invited>();
  const [copied, setCopied] = createSignal('');
  const submission = createSubmission();
  let linkInput: HTMLInputElement | undefined;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setInvited(undefined);
    setCopied('');
    const parsed = InvitePrescriberInput.safeParse({
      organisationId: props.organisationId,
      name: form.name,
      contactName: form.contactName,
      contactEmail: form.contactEmail.trim(),
      departementCode: form.departementCode,
      communeCode: form.communeCode.trim() === '' ? null : form.communeCode.trim().toUpperCase(),
    });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const answer: { path?: string | null } = {};
    const ok = await submission.run(async () => {
      answer.path = (await invitePrescriber(parsed.data)).invitationPath;
    });
    if (!ok) return;
    const link = answer.path ? `${location.origin}${answer.path}` : null;
    setInvited({ name: parsed.data.name, contactName: parsed.data.contactName, contactEmail: parsed.data.contactEmail, link });
    setForm({ ...empty });
    props.onInvited();
  };

  const copy = async (link: string) => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(tp('prescribers.linkCopied'));
    } catch {
      // No clipboard (an insecure origin, a refused permission): the link is selected to copy by hand.
      linkInput?.select();
      setCopied(tp('prescribers.linkSelect'));
    }
  };

  return (
    <>
      <form class="card form spaced" onSubmit={onSubmit} novalidate aria-labelledby="invite-title" data-testid="prescriber-invite-form">
        <h2 id="invite-title">{tp('prescribers.inviteTitle')}</h2>
        <p class="muted">{tp('prescribers.inviteIntro')}</p>
        <FormAlert message={submission.error()} />
        <TextField
          name="name"
          id="prescriber-name"
          label={tp('prescribers.name')}
          hint={tp('prescribers.nameHint')}
          required
          value={form.name}
          onInput={(v) => setForm('name', v)}
          error={submission.fieldError('name')}
          testid="prescriber-name"
        />
        <div class="field-row">
          <TextField
            name="contactName"
            id="prescriber-contact-name"
            label={tp('prescribers.contactName')}
            autocomplete="off"
            required
            value={form.contactName}
            onInput={(v) => setForm('contactName', v)}
            error={submission.fieldError('contactName')}
            testid="prescriber-contact-name"
          />
          <TextField
            name="contactEmail"
            id="prescriber-contact-email"
            type="email"
            label={tp('prescribers.contactEmail')}
            autocomplete="off"
            required
            value={form.contactEmail}
            onInput={(v) => setForm('contactEmail', v)}
            error={submission.fieldError('contactEmail')}
            testid="prescriber-contact-email"
          />
        </div>
        <div class="field-row">
          <DepartementSelect
            id="prescriber-departement"
            label={tp('prescribers.departement')}
            single={{ placeholder: tp('prescribers.departementChoose') }}
            selected={form.departementCode ? [form.departementCode] : []}
            onChange={(codes) => setForm('departementCode', codes[0] ?? '')}
            error={submission.fieldError('departementCode')}
            testid="prescriber-departement"
          />
          <TextField
            name="communeCode"
            id="prescriber-commune"
            label={tp('prescribers.commune')}
            hint={tp('prescribers.communeHint')}
            value={form.communeCode}
            onInput={(v) => setForm('communeCode', v)}
            error={submission.fieldError('communeCode')}
            testid="prescriber-commune"
          />
        </div>
        <button type="submit" class="button" disabled={submission.pending()} data-testid="prescriber-invite-submit">
          {submission.pending() ? t('form.sending') : tp('prescribers.inviteSubmit')}
        </button>
      </form>
      <Show when={invited()}>
        {(done) => (
          <section class="card invitation-result" aria-labelledby="invitation-result-title" data-testid="prescriber-invited">
            <h2 id="invitation-result-title" tabindex="-1" ref={(el) => queueMicrotask(() => el.focus())}>
              {tp('prescribers.invitedTitle', { name: done().name })}
            </h2>
            <Show
              when={done().link}
              fallback={
                <p data-testid="invitation-existing-account">{tp('prescribers.invitedExisting', { contact: done().contactName, email: done().contactEmail, name: done().name })}</p>
              }
            >
              {(link) => (
                <>
                  <p>{tp('prescribers.invitedSend', { contact: done().contactName, email: done().contactEmail })}</p>
                  <div class="field">
                    <label for="invitation-link">{tp('prescribers.invitationLink')}</label>
                    <div class="copy-row">
                      <input id="invitation-link" type="text" readonly value={link()} ref={(el) => (linkInput = el)} onFocus={(e) => e.currentTarget.select()} data-testid="invitation-link" />
                      <button type="button" class="button ghost" onClick={() => void copy(link())} data-testid="invitation-copy">
                        {tp('prescribers.copyLink')}
                      </button>
                    </div>
                  </div>
                  <p role="status" class="success">
                    {copied()}
                  </p>
                </>
              )}
            </Show>
          </section>
        )}
      </Show>
    </>
  );
}
