import { TRPCClientError } from '@trpc/client';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema';
import { makeMember, makePlace, makeUser } from '../factories';
import { createTestApp, errorOf, signedIn, TEST_ORIGIN, type TestApp } from '../setup/app';

/** The refusal of a call with everything the error formatter adds, form-level errors included. */
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { code: string; httpStatus: number; fieldErrors?: Record<string, string[]>; formErrors?: string[] };
    return { code: data.code, httpStatus: data.httpStatus, message: error.message, fieldErrors: data.fieldErrors, formErrors: data.formErrors };
  }
  throw new Error('Expected the call to be refused, but it succeeded');
}

const invalid = (fieldErrors: Record<string, string[]>) => ({ code: 'BAD_REQUEST', httpStatus: 400, message: 'Données invalides', fieldErrors });

let testApp: TestApp;
let api: ReturnType<TestApp['client']>['api'];
let cookie: string;
let organisationId: number;
let otherOrganisationId: number;

beforeAll(async () => {
  testApp = createTestApp();
  const actor = await makeMember(testApp.db, 'actor');
  const other = await makeMember(testApp.db, 'actor');
  organisationId = actor.organisationId;
  otherOrganisationId = other.organisationId;
  makePlace(testApp.db, { organisationId, name: 'Espace numérique de Quimper', mainCommuneCode: '29232' });
  const session = await signedIn(testApp, actor.user.email, actor.user.password);
  api = session.api;
  cookie = `aptic_session=${session.jar.get('aptic_session')!}`;
});

const get = (path: string, input?: unknown) =>
  testApp.app.request(`${TEST_ORIGIN}/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers: { cookie } });

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  testApp.app.request(`${TEST_ORIGIN}/trpc/${path}`, {
    method: 'POST',
    headers: { origin: TEST_ORIGIN, 'content-type': 'application/json', cookie, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

describe('malformed input answers BAD_REQUEST with the field named', () => {
  it('an organisation id given as text', async () => {
    expect(await errorOf(api.organisations.get.query({ organisationId: 'abc' } as never))).toEqual(
      invalid({ organisationId: ['Entrée invalide : nombre attendu, chaîne de caractères reçu'] }),
    );
  });

  it('a negative organisation id', async () => {
    expect(await errorOf(api.places.ofOrganisation.query({ organisationId: -1 }))).toEqual(invalid({ organisationId: ['Trop petit : nombre doit être >0'] }));
  });

  it('a zero organisation id', async () => {
    expect(await errorOf(api.orders.ofFunder.query({ organisationId: 0 }))).toEqual(invalid({ organisationId: ['Trop petit : nombre doit être >0'] }));
  });

  it('a place id that is not an integer', async () => {
    expect(await errorOf(api.places.get.query({ placeId: 1.5 }))).toEqual(invalid({ placeId: ['Entrée invalide : entier attendu, nombre reçu'] }));
  });

  it('an id beyond the safe integers', async () => {
    const answer = await errorOf(api.organisations.get.query({ organisationId: 2 ** 53 }));
    expect(answer.code).toBe('BAD_REQUEST');
    expect(answer.httpStatus).toBe(400);
    expect(answer.fieldErrors).toEqual({ organisationId: ['Trop grand : entier doit être <=9007199254740991'] });
  });

  it('a year out of the scheme’s range', async () => {
    expect(await errorOf(api.places.ofOrganisation.query({ organisationId, year: 1999 }))).toEqual(invalid({ year: ['Trop petit : nombre doit être >=2000'] }));
  });

  it('a locale the interface does not speak', async () => {
    expect(await errorOf(api.auth.setLocale.mutate({ locale: 'de' } as never))).toEqual(
      invalid({ locale: ['Option invalide : une valeur parmi "fr"|"en" attendue'] }),
    );
  });

  it('a sign-in with an address that is not an e-mail, in French', async () => {
    const { api: anonymous } = testApp.client();
    expect(await errorOf(anonymous.auth.signIn.mutate({ email: 'pas-une-adresse', password: 'x' }))).toEqual(invalid({ email: ['Adresse e-mail invalide'] }));
  });

  it('a sign-in with an empty password', async () => {
    const { api: anonymous } = testApp.client();
    expect(await errorOf(anonymous.auth.signIn.mutate({ email: 'nadia@exemple.test', password: '' }))).toEqual(invalid({ password: ['Mot de passe requis'] }));
  });

  it('a sign-in with a password longer than 200 characters', async () => {
    const { api: anonymous } = testApp.client();
    expect(await errorOf(anonymous.auth.signIn.mutate({ email: 'nadia@exemple.test', password: 'x'.repeat(201) }))).toEqual(
      invalid({ password: ['Trop grand : chaîne de caractères doit avoir <=200 caractères'] }),
    );
  });
});

describe('input that names no single field answers BAD_REQUEST with a form error', () => {
  it('an unknown key on a strict input is named as a field of its own', async () => {
    expect(await refusal(api.organisations.get.query({ organisationId, extra: 1 } as never))).toEqual({
      ...invalid({ extra: ['Champ inconnu'] }),
      formErrors: [],
    });
  });

  it('an unknown key on the sign-in input is refused too, and no session is opened', async () => {
    const { api: anonymous } = testApp.client();
    expect(await refusal(anonymous.auth.signIn.mutate({ email: 'nadia@exemple.test', password: 'x', admin: true } as never))).toEqual({
      ...invalid({ admin: ['Champ inconnu'] }),
      formErrors: [],
    });
  });

  it('no input at all where an object is expected', async () => {
    expect(await refusal(api.organisations.get.query(undefined as never))).toEqual({
      ...invalid({}),
      formErrors: ['Entrée invalide : objet attendu, indéfini reçu'],
    });
  });
});

describe('raw requests the client would never send', () => {
  it('a GET whose input is not JSON answers 400', async () => {
    const response = await testApp.app.request(`${TEST_ORIGIN}/trpc/organisations.get?input={pas du json`, { headers: { cookie } });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { data: { code: string } } }).error.data.code).toBe('BAD_REQUEST');
  });

  it('a POST whose body is cut in the middle of the JSON answers 400 and creates no session', async () => {
    const before = testApp.db.select().from(sessions).all().length;
    const response = await post('auth.signIn', '{"email": ');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { data: { code: string } } }).error.data.code).toBe('BAD_REQUEST');
    expect(testApp.db.select().from(sessions).all().length).toBe(before);
  });

  it('a body over 1 MB answers 413', async () => {
    const response = await post('auth.signIn', JSON.stringify({ email: 'nadia@exemple.test', password: 'x'.repeat(1_100_000) }));

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { message: 'Requête trop volumineuse', code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('a streamed body over 1 MB without Content-Length answers 413 as well', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });

    const response = await post('auth.signIn', stream);

    expect(response.status).toBe(413);
  });

  it('a body just under 1 MB is read and refused for its content (400), not for its size', async () => {
    const response = await post('auth.signIn', JSON.stringify({ email: 'nadia@exemple.test', password: 'x'.repeat(1_000_000) }));

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { data: { fieldErrors: unknown } } }).error.data.fieldErrors).toEqual({
      password: ['Trop grand : chaîne de caractères doit avoir <=200 caractères'],
    });
  });

  it('a batch of 20 calls is answered call by call', async () => {
    const response = await testApp.app.request(`${TEST_ORIGIN}/trpc/${Array(20).fill('auth.me').join(',')}?batch=1&input={}`, { headers: { cookie } });

    expect(response.status).toBe(200);
    expect(((await response.json()) as unknown[]).length).toBe(20);
  });

  it('a batched GET of 21 calls answers 400', async () => {
    const response = await testApp.app.request(`${TEST_ORIGIN}/trpc/${Array(21).fill('config.get').join(',')}?batch=1&input={}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { message: 'Batch call exceeds maximum size', code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } },
    });
  });

  it('a batched POST of 21 valid sign-ins answers 400 without running any of them', async () => {
    const user = await makeUser(testApp.db);
    const before = testApp.db.select().from(sessions).all().length;
    const calls = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [String(i), { email: user.email, password: user.password }]));

    const response = await post(`${Array(21).fill('auth.signIn').join(',')}?batch=1`, JSON.stringify(calls));

    expect(response.status).toBe(400);
    expect(testApp.db.select().from(sessions).all().length).toBe(before);
  });
});

describe('any JSON as input of places.ofOrganisation', () => {
  it('never answers a 500: only 200, 400, 403 or 404', async () => {
    const organisationIdLike = fc.oneof(
      fc.constantFrom(organisationId, otherOrganisationId, 999_999),
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.constant(null),
    );
    const input = fc.oneof(
      fc.jsonValue(),
      fc.record({ organisationId: organisationIdLike }),
      fc.record({ organisationId: organisationIdLike, year: fc.oneof(fc.integer({ min: 1990, max: 2110 }), fc.jsonValue()) }),
      fc.dictionary(fc.string(), fc.jsonValue()),
    );
    const seen = new Set<number>();

    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const response = await get('places.ofOrganisation', value);
        seen.add(response.status);
        expect([200, 400, 403, 404]).toContain(response.status);
      }),
      // The examples make sure each answer a member can get is reached, whatever the random seed.
      { numRuns: 100, examples: [[{ organisationId }], [{ organisationId: otherOrganisationId }], [{ organisationId: 'abc' }]] },
    );

    expect([...seen].sort((a, b) => a - b)).toEqual([200, 400, 403]);
  });
});
