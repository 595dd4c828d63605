import { useNavigate, useParams } from '@solidjs/router';
import { createResource, createSignal, Show } from 'solid-js';
import { AcceptInvitationInput } from '../../../shared/schemas/auth';
import { acceptInvitation, fetchInvitation } from '../api/auth';
import { FormAlert } from '../components/form-alert';
import { TextField } from '../components/text-field';
import { createSubmission } from '../forms';
import { t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { reconnectRealtime } from '../realtime';
import { valueOf } from '../resource';
import { refetchMe, selectOrganisation } from '../session';

/**
 * `/invitation/:token`, public: the invited contact of a prescriber (issue 11) sees who invited
 * them where, chooses a password and lands signed in on the organisation's space. A used or
 * expired link says so in the server's words.
 */
export function AcceptInvitationPage() {
  const params = useParams();
  const navigate = useNavigate();
  const [invitation] = createResource(() => params.token, fetchInvitation);
  const [password, setPassword] = createSignal('');
  const submission = createSubmission();

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const parsed = AcceptInvitationInput.safeParse({ token: params.token, password: password() });
    if (!parsed.success) return submission.invalid(parsed.error, t('form.invalid'));
    const answer: { memberships?: { organisationId: number; organisationName: string }[] } = {};
    const ok = await submission.run(async () => {
      answer.memberships = (await acceptInvitation(parsed.data)).memberships;
    });
    if (!ok) return;
    // The answer set the session cookie: the session and the socket follow it.
    await refetchMe();
    reconnectRealtime();
    const name = valueOf(invitation)?.organisationName;
    const target = answer.memberships?.find((m) => m.organisationName === name) ?? answer.memberships?.[0];
    if (target) selectOrganisation(target.organisationId);
    navigate(target ? `/espace/${target.organisationId}` : '/', { replace: true });
  };

  return (
    <section class="card narrow" aria-labelledby="invitation-title" data-testid="accept-invitation">
      <h1 id="invitation-title">{tp('invitation.title')}</h1>
      <Show when={invitation.error}>
        <p class="alert error" role="alert" data-testid="invitation-invalid">
          {invitation.error instanceof Error ? invitation.error.message : String(invitation.error)}
        </p>
      </Show>
      <Show when={valueOf(invitation)} fallback={<Show when={!invitation.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(i) => (
          <>
            <p data-testid="invitation-who">{tp('invitation.who', { name: i().name, organisation: i().organisationName })}</p>
            <p class="muted">{tp('invitation.account', { email: i().email })}</p>
            <form onSubmit={onSubmit} novalidate data-testid="invitation-form">
              <FormAlert message={submission.error()} />
              {/* The e-mail goes with the password so that a password manager saves them together. */}
              <input type="email" name="username" autocomplete="username" value={i().email} readonly hidden />
              <TextField
                name="password"
                id="invitation-password"
                type="password"
                label={tp('invitation.password')}
                hint={tp('invitation.passwordHint')}
                autocomplete="new-password"
                required
                value={password()}
                onInput={setPassword}
                error={submission.fieldError('password')}
                testid="invitation-password"
              />
              <button type="submit" class="button" disabled={submission.pending()} data-testid="invitation-submit">
                {submission.pending() ? t('form.sending') : tp('invitation.submit')}
              </button>
            </form>
          </>
        )}
      </Show>
    </section>
  );
}
