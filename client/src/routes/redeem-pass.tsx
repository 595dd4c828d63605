import { A, useNavigate, useParams } from '@solidjs/router';
import { createEffect, createMemo, createResource, createSignal, For, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { formatPassCode, normalizePassCode, PASS_CODE_LENGTH, passCodeProblem } from '../../../shared/domain/pass-codes';
import type { ServiceName } from '../../../shared/domain/services';
import { errorCode } from '../api/client';
import { fetchPlace, fetchPlacesOfOrganisation, type PlaceSummary } from '../api/places';
import { checkPass, redeemPass, type PassCheck, type PassRedemption } from '../api/redeem';
import { ProofBadge } from '../components/badges';
import { ChoiceGroup } from '../components/choice-group';
import { ErrorBox } from '../components/error-box';
import { FormAlert } from '../components/form-alert';
import { RatioBar } from '../components/ratio-bar';
import { createSubmission } from '../forms';
import { formatDate, formatNumber, money, t } from '../i18n';
import { tp } from '../i18n/pass-messages';
import { valueOf } from '../resource';
import { me, ratio } from '../session';

/**
 * The code a link carries after `#` (`/pass#7K3M-Q9TD-2HXA`), read once and then taken out of the
 * address bar: a pass is worth money, it should not stay in the browser's history.
 */
function takeCodeFromFragment(): string {
  const fragment = window.location.hash.replace(/^#/, '');
  if (!fragment) return '';
  history.replaceState(history.state, '', window.location.pathname + window.location.search);
  try {
    return decodeURIComponent(fragment).trim();
  } catch {
    return fragment;
  }
}

/** What a scanned QR code holds: a link to `/pass#CODE`, or the code alone. */
const codeOfScan = (text: string) => (text.includes('#') ? text.slice(text.lastIndexOf('#') + 1) : text).trim();

/**
 * Why a typed code cannot be a pass code, in the interface's language (the shared rule says it in
 * French for the server): only once the code is complete, unless a symbol is already impossible.
 */
function typoOf(typed: string, complete: boolean): string | undefined {
  if (typed.trim() === '') return complete ? tp('redeem.codeRequired') : undefined;
  const code = normalizePassCode(typed);
  if (code === undefined) return tp('redeem.badSymbols');
  if (code.length < PASS_CODE_LENGTH && !complete) return undefined;
  if (code.length !== PASS_CODE_LENGTH) return tp('redeem.badLength', { length: PASS_CODE_LENGTH });
  return passCodeProblem(code) ? tp('redeem.typo') : undefined;
}

/** « Réessayez dans 12 min » from the server's TOO_MANY_REQUESTS message, in the interface's words. */
function tooManyMessage(error: unknown): string {
  const minutes = /(\d+)\s*min/.exec(error instanceof Error ? error.message : '')?.[1];
  return minutes ? tp('redeem.tooMany', { minutes }) : tp('redeem.tooManyLater');
}

type Figures = PassRedemption['figures'][number];

/**
 * `/lieux/:placeId/pass`: the place's counter, phone first. The person shows their pass; the
 * place types (or scans) its code, checks what it pays for, picks the service and redeems it: the
 * delivery is recorded by the server in the same transaction.
 */
export function RedeemPassPage() {
  const params = useParams();
  return (
    <Show when={Number(params.placeId)} keyed>
      {(placeId) => <RedeemPass placeId={placeId} />}
    </Show>
  );
}

function RedeemPass(props: { placeId: number }) {
  const [place, { refetch: refetchPlace }] = createResource(() => props.placeId, fetchPlace);
  const [code, setCode] = createSignal('');
  const [checked, setChecked] = createSignal<PassCheck>();
  const [service, setService] = createSignal('');
  const [redeemed, setRedeemed] = createSignal<{ check: PassCheck; result: PassRedemption }>();
  const [figures, setFigures] = createSignal<Figures>();
  const submission = createSubmission();
  let input: HTMLInputElement | undefined;
  let confirmHeading: HTMLHeadingElement | undefined;
  let successHeading: HTMLHeadingElement | undefined;

  const typo = () => typoOf(code(), false);
  const codeError = () => submission.fieldError('code') ?? typo();
  const current = () => valueOf(place);
  const shownFigures = () => figures() ?? current()?.figures;

  /** Keeps what was typed readable (`7K3M-Q9TD-2HXA`) while the caret stays at the end. */
  const onCodeInput = (event: InputEvent & { currentTarget: HTMLInputElement }) => {
    const field = event.currentTarget;
    const typed = field.value;
    const atEnd = field.selectionStart === typed.length;
    const normal = normalizePassCode(typed);
    setCode(atEnd && normal ? formatPassCode(normal) : typed.toUpperCase());
    if (field.value !== code()) field.value = code();
    setChecked(undefined);
    submission.reset();
  };

  /**
   * A refusal: too many wrong codes and conflicts (used, expired…) in the alert above the form, a
   * field's error beside the field only (the server's message would repeat it above).
   */
  const refusal = (error: unknown) => {
    if (errorCode(error) === 'TOO_MANY_REQUESTS') return submission.setError(tooManyMessage(error));
    if (Object.keys(submission.fieldErrors()).length === 0) return;
    submission.setError(undefined);
    if (submission.fieldError('code')) input?.focus();
  };

  /** Runs a request through the submission: its answer, or undefined once the refusal is shown. */
  const send = async <T,>(request: () => Promise<T>): Promise<T | undefined> => {
    let answer: T | undefined;
    let failure: unknown;
    const ok = await submission.run(() =>
      request().then(
        (value) => void (answer = value),
        (error: unknown) => {
          failure = error;
          throw error;
        },
      ),
    );
    if (!ok) refusal(failure);
    return answer;
  };

  const onCheck = async (event?: SubmitEvent) => {
    event?.preventDefault();
    const problem = typoOf(code(), true);
    if (problem) {
      submission.refuse({ code: [problem] }, '');
      return input?.focus();
    }
    const answer = await send(() => checkPass({ placeId: props.placeId, code: code() }));
    if (!answer) return;
    setChecked(answer);
    setService(answer.services.length === 1 ? answer.services[0]! : '');
    queueMicrotask(() => confirmHeading?.focus());
  };

  const onRedeem = async (event: SubmitEvent) => {
    event.preventDefault();
    const check = checked();
    if (!check) return;
    if (!service()) return submission.refuse({ service: [tp('redeem.serviceRequired')] }, '');
    // One of the order's services as the check listed them; the server checks it against the order.
    const result = await send(() => redeemPass({ placeId: props.placeId, code: code(), service: service() as ServiceName }));
    if (!result) return;
    const year = current()?.figures.year;
    const fresh = result.figures.find((f) => f.year === year) ?? result.figures[0];
    if (fresh) setFigures(fresh);
    // A replay changed nothing and answers no figures: the page's own are still the place's.
    else void refetchPlace();
    setRedeemed({ check, result });
    queueMicrotask(() => successHeading?.focus());
  };

  const next = () => {
    setRedeemed(undefined);
    setChecked(undefined);
    setCode('');
    setService('');
    submission.reset();
    queueMicrotask(() => input?.focus());
  };

  const onScanned = (text: string) => {
    const normal = normalizePassCode(codeOfScan(text));
    setCode(normal ? formatPassCode(normal) : codeOfScan(text).toUpperCase());
    setChecked(undefined);
    void onCheck();
  };

  /** A code in the address (`#CODE`): prefilled, and checked at once when well formed (one tap less). */
  const takeFromLink = (): boolean => {
    const fromLink = takeCodeFromFragment();
    if (!fromLink) return false;
    setRedeemed(undefined);
    setChecked(undefined);
    submission.reset();
    const normal = normalizePassCode(fromLink);
    setCode(normal ? formatPassCode(normal) : fromLink.toUpperCase());
    if (!typoOf(code(), true)) void onCheck();
    return true;
  };
  // Another booklet scanned while the page is open may only change the fragment: no new page.
  const onHashChange = () => void takeFromLink();
  onMount(() => {
    window.addEventListener('hashchange', onHashChange);
    if (!takeFromLink()) queueMicrotask(() => input?.focus());
  });
  onCleanup(() => window.removeEventListener('hashchange', onHashChange));

  return (
    <article class="redeem" aria-labelledby="redeem-title" data-testid="redeem-pass">
      <Show when={current()} fallback={<p class="eyebrow">{tp('redeem.eyebrow')}</p>}>
        {(p) => (
          <p class="eyebrow">
            <A href={`/lieux/${p().id}`}>{p().name}</A>
          </p>
        )}
      </Show>
      <h1 id="redeem-title">{tp('redeem.title')}</h1>
      <Show when={place.error}>
        <ErrorBox error={place.error} />
      </Show>

      <Switch>
        <Match when={redeemed()}>
          {(done) => (
            <section class="card redeem-success" aria-labelledby="redeem-success-title" data-testid="redeem-success">
              <h2 id="redeem-success-title" tabindex="-1" ref={(el) => (successHeading = el)}>
                {done().result.replayed ? tp('redeem.replayedTitle') : tp('redeem.doneTitle')}
              </h2>
              <p role="status" class="redeem-success-text" data-testid="redeem-status">
                {done().result.replayed
                  ? tp('redeem.replayed', { title: done().check.orderTitle, date: formatDate(done().result.delivery.deliveredOn) })
                  : tp('redeem.done', { title: done().check.orderTitle })}
              </p>
              <dl class="facts">
                <div>
                  <dt>{tp('redeem.service')}</dt>
                  <dd>{done().result.delivery.service}</dd>
                </div>
                <div>
                  <dt>{tp('redeem.deliveredOn')}</dt>
                  <dd>{formatDate(done().result.delivery.deliveredOn)}</dd>
                </div>
                <div>
                  <dt>{t('proof.label')}</dt>
                  <dd>
                    <ProofBadge proof={done().result.delivery.proof} />
                  </dd>
                </div>
              </dl>
              <div class="redeem-actions">
                <button type="button" class="button redeem-main" onClick={next} data-testid="redeem-next">
                  {tp('redeem.next')}
                </button>
              </div>
              <Show when={current() && shownFigures()}>
                <h3>{tp('redeem.revenue', { year: shownFigures()!.year })}</h3>
                <p class="muted">{t('ratio.band', { floor: money(ratio().floorCents), ceiling: money(ratio().ceilingCents) })}</p>
                <div data-testid="redeem-gauge">
                  <RatioBar
                    placeName={current()!.name}
                    year={shownFigures()!.year}
                    deliveredCents={shownFigures()!.revenueDeliveredCents}
                    committedCents={shownFigures()!.revenueCommittedCents}
                    ratio={ratio()}
                  />
                </div>
                <p class="muted">{tp('redeem.servicesDelivered', { count: formatNumber(shownFigures()!.servicesDelivered) })}</p>
              </Show>
            </section>
          )}
        </Match>

        <Match when={true}>
          <p class="redeem-intro">{tp('redeem.intro')}</p>
          <form class="card redeem-code" onSubmit={(e) => void onCheck(e)} novalidate aria-labelledby="redeem-code-title">
            <h2 id="redeem-code-title" class="visually-hidden">
              {tp('redeem.codeTitle')}
            </h2>
            <FormAlert message={checked() ? undefined : submission.error()} testid="redeem-alert" />
            <div class="field">
              <label for="redeem-code">{tp('redeem.code')}</label>
              <p id="redeem-code-hint" class="hint">
                {tp('redeem.codeHint')}
              </p>
              <input
                id="redeem-code"
                name="code"
                class="pass-code-input"
                ref={(el) => (input = el)}
                type="text"
                inputMode="text"
                autocapitalize="characters"
                autocomplete="off"
                autocorrect="off"
                spellcheck={false}
                enterkeyhint="go"
                maxLength={16}
                required
                value={code()}
                onInput={onCodeInput}
                aria-invalid={!!codeError()}
                aria-describedby={['redeem-code-hint', codeError() ? 'redeem-code-error' : ''].filter(Boolean).join(' ')}
                data-testid="pass-code"
              />
              <Show when={codeError()}>
                <p id="redeem-code-error" class="field-error" role="alert" data-testid="pass-code-error">
                  {codeError()}
                </p>
              </Show>
            </div>
            <Show when={!checked()}>
              <div class="redeem-actions">
                <button type="submit" class="button redeem-main" disabled={submission.pending()} data-testid="pass-check">
                  {submission.pending() ? tp('redeem.checking') : tp('redeem.check')}
                </button>
                <Scanner onCode={onScanned} />
              </div>
            </Show>
          </form>

          <Show when={checked()}>
            {(c) => (
              <form class="card redeem-confirm" onSubmit={(e) => void onRedeem(e)} novalidate aria-labelledby="redeem-confirm-title" data-testid="pass-details">
                <h2 id="redeem-confirm-title" tabindex="-1" ref={(el) => (confirmHeading = el)}>
                  {tp('redeem.checkedTitle', { title: c().orderTitle })}
                </h2>
                <FormAlert message={submission.error()} testid="redeem-alert" />
                <p data-testid="pass-valid-until">{tp('redeem.validUntil', { date: formatDate(c().validUntil) })}</p>
                <Show
                  when={!c().problem}
                  fallback={
                    <>
                      <p class="alert error" role="alert" data-testid="pass-problem">
                        {c().problem}
                      </p>
                      <button type="button" class="button redeem-main" onClick={next} data-testid="redeem-next">
                        {tp('redeem.other')}
                      </button>
                    </>
                  }
                >
                  <Show when={c().alreadyRedeemed}>
                    <p class="alert" data-testid="pass-already">
                      {tp('redeem.alreadyRedeemed')}
                    </p>
                  </Show>
                  <ChoiceGroup
                    name="redeem-service"
                    type="radio"
                    legend={tp('redeem.service')}
                    hint={c().services.length > 1 ? tp('redeem.serviceHint') : undefined}
                    options={c().services.map((s) => ({ value: s, label: s }))}
                    selected={service() ? [service()] : []}
                    onChange={(selected) => {
                      setService(selected[0] ?? '');
                      submission.reset();
                    }}
                    error={submission.fieldError('service')}
                  />
                  <div class="redeem-actions">
                    <button type="submit" class="button redeem-main" disabled={submission.pending()} data-testid="pass-redeem">
                      {submission.pending() ? t('form.sending') : tp('redeem.submit')}
                    </button>
                    <button type="button" class="button ghost" onClick={next} data-testid="pass-cancel">
                      {tp('redeem.other')}
                    </button>
                  </div>
                </Show>
              </form>
            )}
          </Show>
        </Match>
      </Switch>
    </article>
  );
}

// The Shape Detection API is not in TypeScript's DOM library yet.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

/**
 * Reads a booklet's QR code with the phone's camera, where the browser can (Chrome on Android):
 * elsewhere the button is not shown and the code is typed.
 */
function Scanner(props: { onCode: (text: string) => void }) {
  const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  const [scanning, setScanning] = createSignal(false);
  const [failed, setFailed] = createSignal('');
  let video: HTMLVideoElement | undefined;
  let stream: MediaStream | undefined;
  let timer: number | undefined;

  const stop = () => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
    stream?.getTracks().forEach((track) => track.stop());
    stream = undefined;
    setScanning(false);
  };
  onCleanup(stop);

  const start = async () => {
    if (!Detector || !navigator.mediaDevices?.getUserMedia) return;
    setFailed('');
    try {
      const detector = new Detector({ formats: ['qr_code'] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      setScanning(true);
      video!.srcObject = stream;
      await video!.play();
      const look = async () => {
        if (!stream) return;
        const [found] = await detector.detect(video!).catch(() => []);
        if (found?.rawValue) {
          stop();
          props.onCode(found.rawValue);
          return;
        }
        timer = window.setTimeout(() => void look(), 250);
      };
      void look();
    } catch {
      stop();
      setFailed(tp('redeem.scanFailed'));
    }
  };

  return (
    <Show when={Detector && 'mediaDevices' in navigator}>
      <Show
        when={scanning()}
        fallback={
          <button type="button" class="button ghost" onClick={() => void start()} data-testid="pass-scan">
            {tp('redeem.scan')}
          </button>
        }
      >
        <button type="button" class="button ghost" onClick={stop}>
          {tp('redeem.scanStop')}
        </button>
      </Show>
      <video class="redeem-video" hidden={!scanning()} ref={(el) => (video = el)} muted playsinline aria-label={tp('redeem.scanVideo')} />
      <Show when={failed()}>
        <p class="field-error" role="alert">
          {failed()}
        </p>
      </Show>
    </Show>
  );
}

/**
 * `/pass#CODE`: what a booklet's QR code opens on the place's phone. One place of the user's
 * organisations can redeem: straight to its counter; several: the person picks; none: why not.
 */
export function PassLinkPage() {
  const navigate = useNavigate();
  const code = takeCodeFromFragment();
  const actorIds = () => (me()?.memberships ?? []).filter((m) => m.organisationKind === 'actor').map((m) => m.organisationId);
  const [places] = createResource(actorIds, async (ids) => (await Promise.all(ids.map((id) => fetchPlacesOfOrganisation(id)))).flat());
  const qualified = createMemo(() => valueOf(places)?.filter((p) => p.status === 'qualified'));
  const target = (place: PlaceSummary) => `/lieux/${place.id}/pass${code ? `#${encodeURIComponent(code)}` : ''}`;

  createEffect(() => {
    const list = qualified();
    if (list?.length === 1) navigate(target(list[0]!), { replace: true });
  });

  return (
    <section aria-labelledby="pass-link-title" data-testid="pass-link">
      <p class="eyebrow">{tp('redeem.eyebrow')}</p>
      <h1 id="pass-link-title">{tp('redeem.linkTitle')}</h1>
      <Show when={places.error}>
        <ErrorBox error={places.error} />
      </Show>
      <Show when={qualified()} fallback={<Show when={!places.error}><p class="loading">{t('app.loading')}</p></Show>}>
        {(list) => (
          <Switch>
            <Match when={list().length === 0}>
              <p class="alert" data-testid="pass-link-none">
                {tp('redeem.noPlace')}
              </p>
              <p>
                <A href="/">{tp('redeem.home')}</A>
              </p>
            </Match>
            <Match when={list().length === 1}>
              <p class="loading">{t('app.loading')}</p>
            </Match>
            <Match when={list().length > 1}>
              <p>{tp('redeem.pickPlace')}</p>
              <ul class="plain redeem-places">
                <For each={list()}>
                  {(place) => (
                    <li>
                      <A class="button ghost redeem-place" href={target(place)} replace data-testid="pass-link-place">
                        {place.name}
                        <span class="tag block">
                          {place.mainCommune.nom} ({place.departement.nom})
                        </span>
                      </A>
                    </li>
                  )}
                </For>
              </ul>
            </Match>
          </Switch>
        )}
      </Show>
    </section>
  );
}
