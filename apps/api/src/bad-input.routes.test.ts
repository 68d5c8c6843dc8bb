import { randomUUID } from 'node:crypto';
import { edmontonDateString } from '@meritum/shared';
import type supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApp } from '../test/app-harness';
import { useTestDatabase } from '../test/db';
import { snapshotTables } from '../test/row-counts';
import { signUp } from '../test/sign-up';

// Row counts span every provider, so this file keeps a database of its own.
const ctx = useTestDatabase({ own: 'bad_input' });
const app = useApp(ctx);

/** One bad request and the answer it must get. */
interface BadInput {
  /** What is wrong with it: the end of the test's name. */
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Placeholders such as `{own}` (a claim id) are filled in by beforeAll, here and in bodies. */
  path: string;
  /** The raw query string, so that parameters can repeat. */
  query?: string;
  /** Sent as application/json: JSON.stringify of this. */
  json?: unknown;
  /** Sent byte for byte, with this content type. */
  raw?: { type: string; body: string };
  status: number;
  code: string;
}

const SQL = `'; drop table claims; --`;
const MEBIBYTE = 'x'.repeat(1024 * 1024);
const LONG = 'A'.repeat(10_000);
const QUERY_LONG = 'A'.repeat(4_000); // long, but within Node's limit on header size
const query = (...pairs: Array<[string, string]>) => new URLSearchParams(pairs).toString();

let unique = 0;
function signupBody(overrides: Record<string, unknown> = {}) {
  unique += 1;
  return {
    email: `bad.input.${unique}@example.ca`,
    password: 'correct horse battery staple',
    name: 'Dr. Bad Input',
    billingNumber: `BAD-${unique}`,
    ...overrides,
  };
}
const loginBody = (overrides: Record<string, unknown> = {}) => ({
  email: 'nobody@example.ca',
  password: 'correct horse battery staple',
  ...overrides,
});
const claimBody = (overrides: Record<string, unknown> = {}) => ({
  claimType: 'AHCIP',
  healthServiceCode: '03.03A',
  dateOfService: '2026-01-15',
  feeSubmitted: '85.50',
  ...overrides,
});
const VALID_CLAIM_JSON = JSON.stringify(claimBody());
/** A valid claim with its fee replaced by raw JSON text (numbers JSON.stringify cannot write). */
const claimWithRawFee = (fee: string) =>
  VALID_CLAIM_JSON.replace('"feeSubmitted":"85.50"', `"feeSubmitted":${fee}`);

const invalid = { status: 400, code: 'VALIDATION_FAILED' } as const;
const notFound = { status: 404, code: 'NOT_FOUND' } as const;

const auth: BadInput[] = [
  { name: 'an empty sign-up', method: 'POST', path: '/auth/signup', json: {}, ...invalid },
  {
    name: 'a numeric email',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ email: 42 }),
    ...invalid,
  },
  {
    name: 'a password given as an array',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ password: ['correct horse', 'battery staple'] }),
    ...invalid,
  },
  {
    name: 'a null name',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ name: null }),
    ...invalid,
  },
  {
    name: 'a boolean billing number',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ billingNumber: true }),
    ...invalid,
  },
  {
    name: 'a name of spaces only',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ name: '    ' }),
    ...invalid,
  },
  {
    name: 'a password shorter than 12 characters',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ password: 'short' }),
    ...invalid,
  },
  {
    name: 'a sign-up that names its own provider id',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ providerId: randomUUID() }),
    ...invalid,
  },
  {
    name: 'a sign-up given as an array',
    method: 'POST',
    path: '/auth/signup',
    json: [signupBody()],
    ...invalid,
  },
  { name: 'a JSON null sign-up', method: 'POST', path: '/auth/signup', json: null, ...invalid },
  {
    name: 'SQL in the email',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ email: SQL }),
    ...invalid,
  },
  {
    name: 'SQL in the billing number',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ billingNumber: SQL }),
    ...invalid,
  },
  {
    name: 'an email of 10,000 characters',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ email: `${'a'.repeat(10_000)}@example.ca` }),
    ...invalid,
  },
  {
    name: 'a password of 10,000 characters',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ password: LONG }),
    ...invalid,
  },
  {
    name: 'a name of 10,000 characters',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ name: LONG }),
    ...invalid,
  },
  {
    name: 'a billing number of 10,000 characters',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ billingNumber: LONG }),
    ...invalid,
  },
  {
    name: 'a name of 1 MiB',
    method: 'POST',
    path: '/auth/signup',
    json: signupBody({ name: MEBIBYTE }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a form-encoded sign-up',
    method: 'POST',
    path: '/auth/signup',
    raw: {
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams(signupBody()).toString(),
    },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'an empty login', method: 'POST', path: '/auth/login', json: {}, ...invalid },
  {
    name: 'a numeric login email',
    method: 'POST',
    path: '/auth/login',
    json: loginBody({ email: 12345 }),
    ...invalid,
  },
  {
    name: 'a password given as an object',
    method: 'POST',
    path: '/auth/login',
    json: loginBody({ password: { $ne: '' } }),
    ...invalid,
  },
  {
    name: 'an unknown login field',
    method: 'POST',
    path: '/auth/login',
    json: loginBody({ rememberMe: true }),
    ...invalid,
  },
  {
    name: 'SQL as the login email',
    method: 'POST',
    path: '/auth/login',
    json: loginBody({ email: SQL }),
    ...invalid,
  },
  {
    name: 'SQL in a well-formed email and in the password',
    method: 'POST',
    path: '/auth/login',
    json: loginBody({ email: "o'brien'--@example.ca", password: SQL }),
    status: 401,
    code: 'INVALID_CREDENTIALS',
  },
  {
    name: 'a login password of 10,000 characters',
    method: 'POST',
    path: '/auth/login',
    json: loginBody({ password: LONG }),
    ...invalid,
  },
  {
    name: 'a login password of 1 MiB',
    method: 'POST',
    path: '/auth/login',
    json: loginBody({ password: MEBIBYTE }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a plain-text login',
    method: 'POST',
    path: '/auth/login',
    raw: { type: 'text/plain', body: JSON.stringify(loginBody()) },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a logout with an unknown body field',
    method: 'POST',
    path: '/auth/logout',
    json: { everywhere: true },
    ...invalid,
  },
  {
    name: 'a logout with an unknown query parameter',
    method: 'POST',
    path: '/auth/logout',
    query: query(['all', 'true']),
    ...invalid,
  },
  {
    name: 'a logout whose JSON body does not parse',
    method: 'POST',
    path: '/auth/logout',
    raw: { type: 'application/json', body: '{"everywhere":' },
    status: 400,
    code: 'INVALID_JSON',
  },
  {
    name: 'a logout body over the 64 KiB limit',
    method: 'POST',
    path: '/auth/logout',
    json: { padding: 'x'.repeat(70_000) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'an unknown query parameter on me',
    method: 'GET',
    path: '/auth/me',
    query: query(['providerId', randomUUID()]),
    ...invalid,
  },
];

const claims: BadInput[] = [
  { name: 'an empty claim', method: 'POST', path: '/claims', json: {}, ...invalid },
  {
    name: 'a lower-case claim type',
    method: 'POST',
    path: '/claims',
    json: claimBody({ claimType: 'ahcip' }),
    ...invalid,
  },
  {
    name: 'a numeric claim type',
    method: 'POST',
    path: '/claims',
    json: claimBody({ claimType: 1 }),
    ...invalid,
  },
  {
    name: 'SQL as the claim type',
    method: 'POST',
    path: '/claims',
    json: claimBody({ claimType: SQL }),
    ...invalid,
  },
  {
    name: 'a health service code given as an array',
    method: 'POST',
    path: '/claims',
    json: claimBody({ healthServiceCode: ['03.03A'] }),
    ...invalid,
  },
  {
    name: 'SQL as the health service code',
    method: 'POST',
    path: '/claims',
    json: claimBody({ healthServiceCode: SQL }),
    ...invalid,
  },
  {
    name: 'a health service code of 10,000 characters',
    method: 'POST',
    path: '/claims',
    json: claimBody({ healthServiceCode: LONG }),
    ...invalid,
  },
  {
    name: 'a health service code of 11 characters, one over the limit',
    method: 'POST',
    path: '/claims',
    json: claimBody({ healthServiceCode: '03.03A12345' }),
    ...invalid,
  },
  {
    name: 'a health service code of 1 MiB',
    method: 'POST',
    path: '/claims',
    json: claimBody({ healthServiceCode: MEBIBYTE }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a date of service that does not exist (2026-02-30)',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: '2026-02-30' }),
    ...invalid,
  },
  {
    name: 'a date of service in month 13',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: '2025-13-01' }),
    ...invalid,
  },
  {
    name: 'a date of service without leading zeros',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: '2026-2-3' }),
    ...invalid,
  },
  {
    name: 'an empty date of service',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: '' }),
    ...invalid,
  },
  {
    name: 'a date of service with a time',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: '2026-01-15T00:00:00Z' }),
    ...invalid,
  },
  {
    name: 'a numeric date of service',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: 20260115 }),
    ...invalid,
  },
  {
    name: 'a date of service before 1900',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: '1899-12-31' }),
    ...invalid,
  },
  {
    name: 'a date of service in 2999',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: '2999-01-01' }),
    ...invalid,
  },
  {
    name: 'a date of service tomorrow in Edmonton',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: edmontonDateString(new Date(Date.now() + 86_400_000)) }),
    ...invalid,
  },
  {
    name: 'a date of service more than ten years back',
    method: 'POST',
    path: '/claims',
    json: claimBody({
      dateOfService: `${Number(edmontonDateString(new Date()).slice(0, 4)) - 11}-01-01`,
    }),
    ...invalid,
  },
  {
    name: 'SQL as the date of service',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: SQL }),
    ...invalid,
  },
  {
    name: 'a date of service of 10,000 characters',
    method: 'POST',
    path: '/claims',
    json: claimBody({ dateOfService: LONG }),
    ...invalid,
  },
  {
    name: 'a fee of NaN',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: 'NaN' }),
    ...invalid,
  },
  {
    name: 'a fee of Infinity',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: 'Infinity' }),
    ...invalid,
  },
  {
    name: 'a fee of 1e309, which JSON parses to Infinity',
    method: 'POST',
    path: '/claims',
    raw: { type: 'application/json', body: claimWithRawFee('1e309') },
    ...invalid,
  },
  {
    name: 'a fee of -1',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: -1 }),
    ...invalid,
  },
  {
    name: 'a negative fee written as a string',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: '-0.01' }),
    ...invalid,
  },
  {
    name: 'a fee with three decimals',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: '1.005' }),
    ...invalid,
  },
  {
    name: 'a fee with 11 integer digits',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: '12345678901.00' }),
    ...invalid,
  },
  {
    name: 'a float fee that is not the amount meant (0.1 + 0.2)',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: 0.1 + 0.2 }),
    ...invalid,
  },
  {
    name: 'a fee of 1e21, which prints in exponent form',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: 1e21 }),
    ...invalid,
  },
  {
    name: 'a fee with a thousands separator',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: '1,000.00' }),
    ...invalid,
  },
  {
    name: 'a fee with surrounding spaces',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: ' 85.50 ' }),
    ...invalid,
  },
  {
    name: 'a null fee',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: null }),
    ...invalid,
  },
  {
    name: 'a boolean fee',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: true }),
    ...invalid,
  },
  {
    name: 'SQL as the fee',
    method: 'POST',
    path: '/claims',
    json: claimBody({ feeSubmitted: SQL }),
    ...invalid,
  },
  {
    name: 'a claim for another provider',
    method: 'POST',
    path: '/claims',
    json: claimBody({ providerId: '{foreignProvider}' }),
    ...invalid,
  },
  {
    name: 'a claim that sets its own state',
    method: 'POST',
    path: '/claims',
    json: claimBody({ state: 'paid' }),
    ...invalid,
  },
  {
    name: 'an unknown field whose name is 10,000 characters',
    method: 'POST',
    path: '/claims',
    json: claimBody({ [LONG]: 1 }),
    ...invalid,
  },
  {
    name: 'an unknown query parameter on a new claim',
    method: 'POST',
    path: '/claims',
    query: query(['dryRun', 'true']),
    json: claimBody(),
    ...invalid,
  },
  {
    name: 'claims sent as an array',
    method: 'POST',
    path: '/claims',
    json: [claimBody()],
    ...invalid,
  },
  {
    name: 'a claim that is a JSON string',
    method: 'POST',
    path: '/claims',
    json: 'claim',
    ...invalid,
  },
  {
    name: 'a claim whose JSON does not parse',
    method: 'POST',
    path: '/claims',
    raw: { type: 'application/json', body: VALID_CLAIM_JSON.slice(0, -1) },
    status: 400,
    code: 'INVALID_JSON',
  },
  {
    name: 'a claim that poisons its prototype',
    method: 'POST',
    path: '/claims',
    raw: { type: 'application/json', body: VALID_CLAIM_JSON.replace('{', '{"__proto__":{"x":1},') },
    status: 400,
    code: 'INVALID_JSON',
  },
  {
    name: 'an empty JSON body',
    method: 'POST',
    path: '/claims',
    raw: { type: 'application/json', body: '' },
    status: 400,
    code: 'INVALID_JSON',
  },
  {
    name: 'a plain-text claim',
    method: 'POST',
    path: '/claims',
    raw: { type: 'text/plain', body: VALID_CLAIM_JSON },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a form-encoded claim',
    method: 'POST',
    path: '/claims',
    raw: {
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams(claimBody()).toString(),
    },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a claim over the 64 KiB body limit',
    method: 'POST',
    path: '/claims',
    json: claimBody({ note: 'x'.repeat(70_000) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'a claim id that is not a UUID', method: 'GET', path: '/claims/not-a-uuid', ...invalid },
  {
    name: 'SQL as the claim id',
    method: 'GET',
    path: `/claims/${encodeURIComponent(SQL)}`,
    ...invalid,
  },
  { name: 'a claim id that does not exist', method: 'GET', path: '/claims/{missing}', ...notFound },
  {
    name: "another provider's claim id",
    method: 'GET',
    path: '/claims/{foreign}',
    ...notFound,
  },
  {
    name: 'a claim id longer than any route parameter',
    method: 'GET',
    path: `/claims/${'a'.repeat(300)}`,
    status: 414,
    code: 'URI_TOO_LONG',
  },
  {
    name: 'a claim id that is not validly percent-encoded',
    method: 'GET',
    path: '/claims/%E0%A4%A',
    status: 400,
    code: 'BAD_URL',
  },
  {
    name: 'an unknown query parameter on a claim',
    method: 'GET',
    path: '/claims/{own}',
    query: query(['include', 'provider']),
    ...invalid,
  },
  {
    name: 'a transition to a state that does not exist',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'approved' },
    ...invalid,
  },
  {
    name: 'a transition to an upper-case state',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'SUBMITTED' },
    ...invalid,
  },
  {
    name: 'a numeric transition target',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 1 },
    ...invalid,
  },
  {
    name: 'SQL as the transition target',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: SQL },
    ...invalid,
  },
  {
    name: 'a transition target of 10,000 characters',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: LONG },
    ...invalid,
  },
  {
    name: 'a transition target of 1 MiB',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: MEBIBYTE },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a null transition target',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: null },
    ...invalid,
  },
  {
    name: 'a transition that is JSON null',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: null,
    ...invalid,
  },
  {
    name: 'a transition without a target',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: {},
    ...invalid,
  },
  {
    name: 'a transition with a negative fee assessed',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'adjusted', feeAssessed: '-5.00', explanatoryCodes: ['21'] },
    ...invalid,
  },
  {
    name: 'a transition with a fee assessed of three decimals',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'adjusted', feeAssessed: '80.001', explanatoryCodes: ['21'] },
    ...invalid,
  },
  {
    name: 'a transition with a fee assessed of 1e309',
    method: 'POST',
    path: '/claims/{own}/transitions',
    raw: { type: 'application/json', body: '{"to":"adjusted","feeAssessed":1e309}' },
    ...invalid,
  },
  {
    name: 'a transition that sets another field',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'submitted', paidAt: '2026-01-20' },
    ...invalid,
  },
  {
    name: 'a fee assessed on a transition that is not a payment',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'submitted', feeAssessed: '85.50' },
    ...invalid,
  },
  {
    name: 'a draft claim paid before it is submitted',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'paid' },
    status: 409,
    code: 'INVALID_TRANSITION',
  },
  {
    name: 'a transition back to draft',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'draft' },
    status: 409,
    code: 'INVALID_TRANSITION',
  },
  {
    name: "a transition of another provider's claim",
    method: 'POST',
    path: '/claims/{foreign}/transitions',
    json: { to: 'submitted' },
    ...notFound,
  },
  {
    name: 'a transition of a claim that does not exist',
    method: 'POST',
    path: '/claims/{missing}/transitions',
    json: { to: 'submitted' },
    ...notFound,
  },
  {
    name: 'a transition of a claim id that is not a UUID',
    method: 'POST',
    path: '/claims/12345/transitions',
    json: { to: 'submitted' },
    ...invalid,
  },
  {
    name: 'a refusal without explanatory codes',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected' },
    ...invalid,
  },
  {
    name: 'a refusal with no explanatory code at all',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: [] },
    ...invalid,
  },
  {
    name: 'a refusal with six explanatory codes',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: ['01', '02', '03', '04', '05', '06'] },
    ...invalid,
  },
  {
    name: 'a refusal with a lower-case explanatory code',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: ['05a'] },
    ...invalid,
  },
  {
    name: 'a refusal with free text for a code',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: ['patient not registered'] },
    ...invalid,
  },
  {
    name: 'a refusal with a seven-character code',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: ['ABCDEFG'] },
    ...invalid,
  },
  {
    name: 'a refusal with SQL for a code',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: [SQL] },
    ...invalid,
  },
  {
    name: 'a refusal naming one code twice',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: ['05', '05'] },
    ...invalid,
  },
  {
    name: 'explanatory codes as a string',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'rejected', explanatoryCodes: '05' },
    ...invalid,
  },
  {
    name: 'explanatory codes on a submission',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'submitted', explanatoryCodes: ['05'] },
    ...invalid,
  },
  {
    name: 'explanatory codes on a payment in full',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'paid', explanatoryCodes: ['05'] },
    ...invalid,
  },
  {
    name: 'an adjustment without explanatory codes',
    method: 'POST',
    path: '/claims/{own}/transitions',
    json: { to: 'adjusted', feeAssessed: '10.00' },
    ...invalid,
  },
  ...claimListCases(),
  {
    name: 'a plain-text transition',
    method: 'POST',
    path: '/claims/{own}/transitions',
    raw: { type: 'text/plain', body: 'submitted' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
];

/** GET /claims with bad filters: each refused at the boundary, none read or written. */
function claimListCases(): BadInput[] {
  const list = (name: string, ...pairs: Array<[string, string]>): BadInput => ({
    name,
    method: 'GET',
    path: '/claims',
    query: query(...pairs),
    ...invalid,
  });
  return [
    list('a claims list with an unknown filter', [
      'providerId',
      '00000000-0000-4000-8000-000000000000',
    ]),
    list('a claims list from an impossible date', ['serviceFrom', '2026-02-30']),
    list('a claims list to a date that is not one', ['serviceTo', 'yesterday']),
    list(
      'a claims list whose service range is reversed',
      ['serviceFrom', '2026-05-01'],
      ['serviceTo', '2026-04-30'],
    ),
    list(
      'a claims list whose payment range is reversed',
      ['paidFrom', '2026-05-01'],
      ['paidTo', '2026-04-30'],
    ),
    list('a claims list paid from the year 1000', ['paidFrom', '1000-01-01']),
    list('a claims list of a claim type that does not exist', ['claimType', 'OHIP']),
    list('a claims list of a state that does not exist', ['state', 'approved']),
    list('a claims list with one good and one bad state', ['state', 'paid'], ['state', 'PAID']),
    list(
      'a claims list of seven states',
      ...Array.from({ length: 7 }, (): [string, string] => ['state', 'paid']),
    ),
    list('a claims list of a health service code with a space', ['healthServiceCode', '03.03 A']),
    list('a claims list of a lower-case explanatory code', ['explanatoryCode', '05a']),
    list('a claims list of SQL for an explanatory code', ['explanatoryCode', SQL]),
    list('a claims list of an age bucket that does not exist', ['outstanding', '30-60']),
    list('a claims list of the over-90 bucket unencoded (a space)', ['outstanding', '90 ']),
    list('a claims list of zero claims a page', ['limit', '0']),
    list('a claims list of 201 claims a page', ['limit', '201']),
    list('a claims list of a fractional page', ['limit', '2.5']),
    list('a claims list of a page size in words', ['limit', 'ten']),
    list('a claims list after a cursor it never gave', ['cursor', 'not-a-cursor']),
    list('a claims list after a cursor of 4,000 characters', ['cursor', QUERY_LONG]),
    list('a claims list after a forged cursor', [
      'cursor',
      Buffer.from('["2026-01-01","x"]').toString('base64url'),
    ]),
  ];
}

const dashboard = (
  ...pairs: Array<[string, string]>
): Pick<BadInput, 'method' | 'path' | 'query'> => ({
  method: 'GET',
  path: '/analytics/dashboard',
  query: query(...pairs),
});
const metrics = (
  ...pairs: Array<[string, string]>
): Pick<BadInput, 'method' | 'path' | 'query'> => ({
  method: 'GET',
  path: '/analytics/metrics',
  query: query(...pairs),
});
const range = (...pairs: Array<[string, string]>): Pick<BadInput, 'method' | 'path' | 'query'> => ({
  method: 'GET',
  path: '/analytics/validation',
  query: query(...pairs),
});
const year2025: Array<[string, string]> = [
  ['start', '2025-01-01'],
  ['end', '2025-12-31'],
];
const deeplyNested = `${'['.repeat(500)}${']'.repeat(500)}`;

const analytics: BadInput[] = [
  { name: 'a dashboard without a period', ...dashboard(), ...invalid },
  { name: 'an unknown period', ...dashboard(['period', 'forever']), ...invalid },
  { name: 'an upper-case period', ...dashboard(['period', 'THIS_MONTH']), ...invalid },
  { name: 'an empty period', ...dashboard(['period', '']), ...invalid },
  {
    name: 'a period given twice',
    ...dashboard(['period', 'this_month'], ['period', 'last_month']),
    ...invalid,
  },
  { name: 'a period in array notation', ...dashboard(['period[]', 'this_month']), ...invalid },
  {
    name: 'a custom period without start or end',
    ...dashboard(['period', 'custom']),
    ...invalid,
  },
  {
    name: 'a custom period without an end',
    ...dashboard(['period', 'custom'], ['start', '2025-01-01']),
    ...invalid,
  },
  {
    name: 'start and end without a custom period',
    ...dashboard(['period', 'this_month'], ...year2025),
    ...invalid,
  },
  {
    name: 'a custom start that does not exist (2026-02-30)',
    ...dashboard(['period', 'custom'], ['start', '2026-02-30'], ['end', '2026-03-31']),
    ...invalid,
  },
  {
    name: 'a custom start in month 13',
    ...dashboard(['period', 'custom'], ['start', '2025-13-01'], ['end', '2026-03-31']),
    ...invalid,
  },
  {
    name: 'a custom end without leading zeros',
    ...dashboard(['period', 'custom'], ['start', '2026-01-01'], ['end', '2026-2-3']),
    ...invalid,
  },
  {
    name: 'an empty custom start',
    ...dashboard(['period', 'custom'], ['start', ''], ['end', '2026-03-31']),
    ...invalid,
  },
  {
    name: 'a custom start after its end',
    ...dashboard(['period', 'custom'], ['start', '2026-03-01'], ['end', '2026-01-31']),
    ...invalid,
  },
  {
    name: 'a custom period of 25 months',
    ...dashboard(['period', 'custom'], ['start', '2024-01-01'], ['end', '2026-01-31']),
    ...invalid,
  },
  {
    name: 'a custom period before 1900',
    ...dashboard(['period', 'custom'], ['start', '1899-12-01'], ['end', '1900-01-31']),
    ...invalid,
  },
  {
    name: 'a custom start of 4,000 characters',
    ...dashboard(['period', 'custom'], ['start', QUERY_LONG], ['end', '2026-01-31']),
    ...invalid,
  },
  {
    name: 'SQL as the custom start',
    ...dashboard(['period', 'custom'], ['start', SQL], ['end', '2026-01-31']),
    ...invalid,
  },
  {
    name: 'a lower-case claim type filter',
    ...dashboard(['period', 'this_month'], ['claimType', 'ahcip']),
    ...invalid,
  },
  {
    name: 'SQL as the claim type filter',
    ...dashboard(['period', 'this_month'], ['claimType', SQL]),
    ...invalid,
  },
  {
    name: 'a claim type filter given twice',
    ...dashboard(['period', 'this_month'], ['claimType', 'AHCIP'], ['claimType', 'WCB']),
    ...invalid,
  },
  {
    name: 'a dashboard for another provider',
    ...dashboard(['period', 'this_month'], ['providerId', '{foreignProvider}']),
    ...invalid,
  },
  { name: 'metrics without keys', ...metrics(...year2025), ...invalid },
  {
    name: 'an unknown metric key',
    ...metrics(['keys', 'claims_count,profit'], ...year2025),
    ...invalid,
  },
  {
    name: 'a derived metric key, which is never stored',
    ...metrics(['keys', 'rejection_rate'], ...year2025),
    ...invalid,
  },
  { name: 'an empty list of keys', ...metrics(['keys', ''], ...year2025), ...invalid },
  {
    name: 'more than 16 keys',
    ...metrics(['keys', Array(17).fill('claims_count').join(',')], ...year2025),
    ...invalid,
  },
  {
    name: 'a key list of 4,000 characters',
    ...metrics(['keys', QUERY_LONG], ...year2025),
    ...invalid,
  },
  {
    name: 'keys given twice',
    ...metrics(['keys', 'claims_count'], ['keys', 'paid_count'], ...year2025),
    ...invalid,
  },
  { name: 'SQL as a metric key', ...metrics(['keys', SQL], ...year2025), ...invalid },
  {
    name: 'metrics without an end',
    ...metrics(['keys', 'claims_count'], ['start', '2025-01-01']),
    ...invalid,
  },
  {
    name: 'a metrics start after its end',
    ...metrics(['keys', 'claims_count'], ['start', '2025-12-01'], ['end', '2025-01-31']),
    ...invalid,
  },
  {
    name: 'a metrics range of 25 months',
    ...metrics(['keys', 'claims_count'], ['start', '2024-01-01'], ['end', '2026-01-31']),
    ...invalid,
  },
  {
    name: 'a metrics start that does not exist (2026-02-30)',
    ...metrics(['keys', 'claims_count'], ['start', '2026-02-30'], ['end', '2026-03-31']),
    ...invalid,
  },
  {
    name: 'dimensions that are not JSON',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', '{claim_type:AHCIP}']),
    ...invalid,
  },
  {
    name: 'dimensions that are an array',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', '["claim_type"]']),
    ...invalid,
  },
  {
    name: 'nested dimensions',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', '{"claim":{"type":"WCB"}}']),
    ...invalid,
  },
  {
    name: 'dimensions nested 500 deep',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', deeplyNested]),
    ...invalid,
  },
  {
    name: 'dimensions of 4,000 characters',
    ...metrics(['keys', 'claims_count'], ...year2025, [
      'dimensions',
      JSON.stringify({ claim_type: QUERY_LONG }),
    ]),
    ...invalid,
  },
  {
    name: 'nine dimensions',
    ...metrics(['keys', 'claims_count'], ...year2025, [
      'dimensions',
      JSON.stringify(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`d${i}`, i]))),
    ]),
    ...invalid,
  },
  {
    name: 'a null dimension value',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', '{"claim_type":null}']),
    ...invalid,
  },
  {
    name: 'JSON null as dimensions',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', 'null']),
    ...invalid,
  },
  {
    name: 'a number as dimensions',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', '42']),
    ...invalid,
  },
  {
    name: 'SQL as a dimension name',
    ...metrics(['keys', 'claims_count'], ...year2025, ['dimensions', JSON.stringify({ [SQL]: 1 })]),
    ...invalid,
  },
  {
    name: 'dimensions given twice',
    ...metrics(
      ['keys', 'claims_count'],
      ...year2025,
      ['dimensions', '{}'],
      ['dimensions', '{"claim_type":"WCB"}'],
    ),
    ...invalid,
  },
  {
    name: 'metrics for another provider',
    ...metrics(['keys', 'claims_count'], ...year2025, ['providerId', '{foreignProvider}']),
    ...invalid,
  },
  {
    name: 'a refresh for another provider, in the query',
    method: 'POST',
    path: '/analytics/refresh',
    query: query(['providerId', '{foreignProvider}']),
    ...invalid,
  },
  {
    name: 'a refresh for another provider, in the body',
    method: 'POST',
    path: '/analytics/refresh',
    json: { providerId: '{foreignProvider}' },
    ...invalid,
  },
  {
    name: 'a refresh whose JSON body does not parse',
    method: 'POST',
    path: '/analytics/refresh',
    raw: { type: 'application/json', body: '{' },
    status: 400,
    code: 'INVALID_JSON',
  },
  {
    name: 'a refresh body over the 64 KiB limit',
    method: 'POST',
    path: '/analytics/refresh',
    json: { months: Array(10_000).fill('2026-01') },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a plain-text refresh',
    method: 'POST',
    path: '/analytics/refresh',
    raw: { type: 'text/plain', body: 'now' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'a validation without a range', ...range(), ...invalid },
  {
    name: 'a validation start after its end',
    ...range(['start', '2025-12-01'], ['end', '2025-01-31']),
    ...invalid,
  },
  {
    name: 'a validation range of 25 months',
    ...range(['start', '2024-01-01'], ['end', '2026-01-31']),
    ...invalid,
  },
  {
    name: 'a validation start in month 13',
    ...range(['start', '2025-13-01'], ['end', '2026-01-31']),
    ...invalid,
  },
  {
    name: 'a validation end that is empty',
    ...range(['start', '2025-01-01'], ['end', '']),
    ...invalid,
  },
  {
    name: 'a validation start given twice',
    ...range(['start', '2025-01-01'], ['start', '2025-02-01'], ['end', '2025-12-31']),
    ...invalid,
  },
  {
    name: 'an unknown validation parameter',
    ...range(...year2025, ['repair', 'true']),
    ...invalid,
  },
];

const statementsList = (
  ...pairs: Array<[string, string]>
): Pick<BadInput, 'method' | 'path' | 'query'> => ({
  method: 'GET',
  path: '/analytics/statements',
  query: query(...pairs),
});
const createStatement = (json: unknown): Pick<BadInput, 'method' | 'path' | 'json'> => ({
  method: 'POST',
  path: '/analytics/statements',
  json,
});
const statementNotFound = { status: 404, code: 'STATEMENT_NOT_FOUND' } as const;

const statements: BadInput[] = [
  { name: 'a statement without a period', ...createStatement({}), ...invalid },
  { name: 'an unknown statement period', ...createStatement({ period: 'forever' }), ...invalid },
  {
    name: 'a custom statement period without start or end',
    ...createStatement({ period: 'custom' }),
    ...invalid,
  },
  {
    name: 'a custom statement period ending before it starts',
    ...createStatement({ period: 'custom', start: '2026-03-01', end: '2026-01-31' }),
    ...invalid,
  },
  {
    name: 'a custom statement period of 25 months',
    ...createStatement({ period: 'custom', start: '2024-01-01', end: '2026-01-31' }),
    ...invalid,
  },
  {
    name: 'a statement start that does not exist (2026-02-30)',
    ...createStatement({ period: 'custom', start: '2026-02-30', end: '2026-03-31' }),
    ...invalid,
  },
  {
    name: 'start and end without a custom statement period',
    ...createStatement({ period: 'this_month', start: '2026-01-01', end: '2026-01-31' }),
    ...invalid,
  },
  {
    name: 'a lower-case statement claim type',
    ...createStatement({ period: 'this_month', claimType: 'wcb' }),
    ...invalid,
  },
  {
    name: "the claim type 'all' spelled out (absent means all)",
    ...createStatement({ period: 'this_month', claimType: 'all' }),
    ...invalid,
  },
  {
    name: 'SQL as the statement period',
    ...createStatement({ period: SQL }),
    ...invalid,
  },
  {
    name: 'a statement for another provider',
    ...createStatement({ period: 'this_month', providerId: '{foreignProvider}' }),
    ...invalid,
  },
  {
    name: 'statement figures sent by the client',
    ...createStatement({ period: 'this_month', figures: { metrics: { billedAmount: '1.00' } } }),
    ...invalid,
  },
  {
    name: 'a statement given as an array',
    ...createStatement([{ period: 'this_month' }]),
    ...invalid,
  },
  { name: 'a JSON null statement', ...createStatement(null), ...invalid },
  {
    name: 'a statement whose JSON body does not parse',
    method: 'POST',
    path: '/analytics/statements',
    raw: { type: 'application/json', body: '{"period":' },
    status: 400,
    code: 'INVALID_JSON',
  },
  {
    name: 'a statement body over the 64 KiB limit',
    ...createStatement({ period: 'this_month', padding: 'x'.repeat(70_000) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a plain-text statement',
    method: 'POST',
    path: '/analytics/statements',
    raw: { type: 'text/plain', body: 'this_month' },
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a statement with a query parameter',
    method: 'POST',
    path: '/analytics/statements',
    query: query(['period', 'this_month']),
    json: { period: 'this_month' },
    ...invalid,
  },
  { name: 'a list limit of 0', ...statementsList(['limit', '0']), ...invalid },
  { name: 'a list limit of 201', ...statementsList(['limit', '201']), ...invalid },
  { name: 'a list limit in words', ...statementsList(['limit', 'ten']), ...invalid },
  { name: 'a negative list limit', ...statementsList(['limit', '-1']), ...invalid },
  {
    name: 'a list limit given twice',
    ...statementsList(['limit', '1'], ['limit', '2']),
    ...invalid,
  },
  { name: 'a claim type without a period', ...statementsList(['claimType', 'WCB']), ...invalid },
  {
    name: 'a limit beside a period',
    ...statementsList(['period', 'this_month'], ['limit', '5']),
    ...invalid,
  },
  {
    name: 'a statement lookup with a custom period without an end',
    ...statementsList(['period', 'custom'], ['start', '2025-01-01']),
    ...invalid,
  },
  { name: 'SQL as the statement lookup period', ...statementsList(['period', SQL]), ...invalid },
  {
    name: 'statements of another provider',
    ...statementsList(['providerId', '{foreignProvider}']),
    ...invalid,
  },
  {
    name: 'a statement id that is not a UUID',
    method: 'GET',
    path: '/analytics/statements/not-a-uuid',
    ...invalid,
  },
  {
    name: 'SQL as a statement id',
    method: 'GET',
    path: `/analytics/statements/${encodeURIComponent(SQL)}`,
    ...invalid,
  },
  {
    name: 'a statement that does not exist',
    method: 'GET',
    path: '/analytics/statements/{missing}',
    ...statementNotFound,
  },
  {
    name: "another physician's statement",
    method: 'GET',
    path: '/analytics/statements/{foreignStatement}',
    ...statementNotFound,
  },
  {
    name: "a deletion of another physician's statement",
    method: 'DELETE',
    path: '/analytics/statements/{foreignStatement}',
    ...statementNotFound,
  },
  {
    name: 'a deletion of a statement that does not exist',
    method: 'DELETE',
    path: '/analytics/statements/{missing}',
    ...statementNotFound,
  },
  {
    name: 'a deletion by a malformed id',
    method: 'DELETE',
    path: '/analytics/statements/123',
    ...invalid,
  },
  {
    name: 'a deletion with a body',
    method: 'DELETE',
    path: '/analytics/statements/{ownStatement}',
    json: { force: true },
    ...invalid,
  },
  {
    name: 'an export without a format',
    method: 'GET',
    path: '/analytics/statements/{ownStatement}/export',
    ...invalid,
  },
  {
    name: 'an export in an unknown format',
    method: 'GET',
    path: '/analytics/statements/{ownStatement}/export',
    query: query(['format', 'xlsx']),
    ...invalid,
  },
  {
    name: 'an export format given twice',
    method: 'GET',
    path: '/analytics/statements/{ownStatement}/export',
    query: query(['format', 'csv'], ['format', 'pdf']),
    ...invalid,
  },
  {
    name: 'an export with an unknown parameter',
    method: 'GET',
    path: '/analytics/statements/{ownStatement}/export',
    query: query(['format', 'csv'], ['disposition', 'inline']),
    ...invalid,
  },
  {
    name: "an export of another physician's statement",
    method: 'GET',
    path: '/analytics/statements/{foreignStatement}/export',
    query: query(['format', 'pdf']),
    ...statementNotFound,
  },
  {
    name: "the export history of another physician's statement",
    method: 'GET',
    path: '/analytics/statements/{foreignStatement}/exports',
    ...statementNotFound,
  },
  {
    name: 'an export history with a parameter',
    method: 'GET',
    path: '/analytics/statements/{ownStatement}/exports',
    query: query(['format', 'csv']),
    ...invalid,
  },
];

/**
 * Signs of an internal error escaping: stack frames, file positions, SQL or driver messages.
 * Checked after removing the SQL a case sent itself, which a message may quote (an unknown key).
 */
const LEAKS = [
  /\n\s+at\s/,
  /\.[cm]?[jt]s:\d+/,
  /node_modules/,
  /failed query/i,
  /\b(select|insert|update|delete|drop|alter)\b[^.]*\b(from|into|set|table)\b/i,
  /syntax error at or near/i,
  /violates .* constraint/i,
  /duplicate key/i,
  /invalid input syntax/i,
  /relation "|column "/i,
  /SQLSTATE/i,
];

/** A message to read, not the input sent back (a 10,000-character key, say). */
const MAX_MESSAGE_LENGTH = 300;

const fixture = {} as {
  agent: supertest.Agent;
  substitutions: Record<string, string>;
};

beforeAll(async () => {
  const me = await signUp(app);
  const other = await signUp(app);
  const mine = await me.agent.post('/api/v1/claims').send(claimBody());
  const theirs = await other.agent.post('/api/v1/claims').send(claimBody());
  expect(mine.status, mine.text).toBe(201);
  expect(theirs.status, theirs.text).toBe(201);
  const myStatement = await me.agent.post('/api/v1/analytics/statements').send({
    period: 'custom',
    start: '2026-01-01',
    end: '2026-01-31',
  });
  const theirStatement = await other.agent
    .post('/api/v1/analytics/statements')
    .send({ period: 'last_month' });
  expect(myStatement.status, myStatement.text).toBe(201);
  expect(theirStatement.status, theirStatement.text).toBe(201);
  // The claims above asked for refreshes; let them finish so that nothing writes behind a case.
  await app.services.analytics.scheduler.idle();
  fixture.agent = me.agent;
  fixture.substitutions = {
    '{own}': mine.body.id,
    '{foreign}': theirs.body.id,
    '{ownStatement}': myStatement.body.id,
    '{foreignStatement}': theirStatement.body.id,
    '{missing}': randomUUID(),
    '{foreignProvider}': other.providerId,
    '{myEmail}': me.credentials.email,
    '{myBillingNumber}': me.credentials.billingNumber,
  };
});

function substitute(text: string): string {
  let result = text;
  for (const [placeholder, value] of Object.entries(fixture.substitutions)) {
    result = result
      .split(placeholder)
      .join(value)
      .split(encodeURIComponent(placeholder))
      .join(value);
  }
  return result;
}

function send(c: BadInput): supertest.Test {
  const search = c.query === undefined ? '' : `?${substitute(c.query)}`;
  const url = `/api/v1${substitute(c.path)}${search}`;
  const request =
    c.method === 'GET'
      ? fixture.agent.get(url)
      : c.method === 'DELETE'
        ? fixture.agent.delete(url)
        : fixture.agent.post(url);
  if (c.raw) return request.set('content-type', c.raw.type).send(substitute(c.raw.body));
  if ('json' in c) {
    return request.set('content-type', 'application/json').send(substitute(JSON.stringify(c.json)));
  }
  return request;
}

function title(c: BadInput): string {
  const path = c.path.replace(/[^/]{41,}/g, (long) => `${long.slice(0, 8)}…(${long.length} chars)`);
  return `${c.method} ${path} answers ${c.status} ${c.code} to ${c.name}, and writes nothing`;
}

describe.each([
  ['auth', auth],
  ['claims', claims],
  ['analytics', analytics],
  ['statements', statements],
])('bad input to the %s routes', (_, cases) => {
  it.each(cases.map((c) => [title(c), c] as const))('%s', async (_title, c) => {
    const before = await snapshotTables(ctx.admin);
    const response = await send(c);
    await app.services.analytics.scheduler.idle();
    const after = await snapshotTables(ctx.admin);

    expect(response.status, response.text).toBe(c.status);
    expect(Object.keys(response.body)).toEqual(['error']);
    const { error } = response.body;
    expect(
      Object.keys(error)
        .filter((key) => key !== 'details')
        .sort(),
    ).toEqual(['code', 'message', 'requestId']);
    expect(error.code, error.message).toBe(c.code);
    expect(error.requestId).toBe(response.headers['x-request-id']);
    expect(typeof error.message).toBe('string');
    expect(error.message.trim()).not.toBe('');
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const ownWords = error.message.split(SQL).join('');
    for (const leak of LEAKS) expect(ownWords).not.toMatch(leak);
    expect(after).toEqual(before);
  });
});

describe('sign-ups that name a taken email or billing number, with SQL in them', () => {
  it.each([
    ['SQL in the name, with an email already registered', { name: SQL, email: '{myEmail}' }],
    [
      'SQL in the password, with a billing number already registered',
      { password: `${SQL}${SQL}`, billingNumber: '{myBillingNumber}' },
    ],
  ])('are answered 202 as any sign-up is (%s), and write nothing', async (_name, overrides) => {
    const before = await snapshotTables(ctx.admin);
    const response = await send({
      name: _name,
      method: 'POST',
      path: '/auth/signup',
      json: signupBody(overrides),
      status: 202,
      code: '',
    });
    const after = await snapshotTables(ctx.admin);

    expect(response.status, response.text).toBe(202);
    expect(response.body).toEqual({ status: 'accepted', message: expect.any(String) });
    expect(after).toEqual(before);
  });
});

// The controls: each bad case above differs from one of these in what it names, so a 4xx above is
// the verdict on that difference, not on a session or a body every request would fail with.
describe('the same routes, given good input', () => {
  it('accept the valid sign-up, login and claim the bad cases are made from', async () => {
    const body = signupBody();
    const signup = await app.http().post('/api/v1/auth/signup').send(body);
    expect(signup.status, signup.text).toBe(202);
    const login = await app.http().post('/api/v1/auth/login').send({
      email: body.email,
      password: 'correct horse battery staple',
    });
    expect(login.status, login.text).toBe(200);
    const claim = await fixture.agent.post('/api/v1/claims').send(claimBody());
    expect(claim.status, claim.text).toBe(201);
    const moved = await fixture.agent
      .post(`/api/v1/claims/${claim.body.id}/transitions`)
      .send({ to: 'submitted' });
    expect(moved.status, moved.text).toBe(200);
    await app.services.analytics.scheduler.idle();
  });

  it('answer the well-formed reads the bad cases are made from', async () => {
    const own = fixture.substitutions['{own}'];
    // The claim submitted above changed the statement's month: re-run, so it exports.
    const rerun = await fixture.agent
      .post('/api/v1/analytics/statements')
      .send({ period: 'custom', start: '2026-01-01', end: '2026-01-31' });
    expect(rerun.status, rerun.text).toBe(201);
    for (const path of [
      '/api/v1/auth/me',
      `/api/v1/claims/${own}`,
      `/api/v1/analytics/dashboard?${query(['period', 'custom'], ...year2025, ['claimType', 'WCB'])}`,
      `/api/v1/analytics/metrics?${query(['keys', 'claims_count,paid_count'], ...year2025, [
        'dimensions',
        '{"claim_type":"AHCIP"}',
      ])}`,
      `/api/v1/analytics/validation?${query(...year2025)}`,
      '/api/v1/analytics/statements?limit=1',
      '/api/v1/analytics/statements?period=custom&start=2026-01-01&end=2026-01-31',
      `/api/v1/analytics/statements/${fixture.substitutions['{ownStatement}']}`,
      `/api/v1/analytics/statements/${fixture.substitutions['{ownStatement}']}/export?format=csv`,
      `/api/v1/analytics/statements/${fixture.substitutions['{ownStatement}']}/exports`,
    ]) {
      const response = await fixture.agent.get(path);
      expect(response.status, `${path}: ${response.text}`).toBe(200);
    }
  });

  it('create a statement from the body the bad cases are made from, and delete one', async () => {
    const created = await fixture.agent
      .post('/api/v1/analytics/statements')
      .send({ period: 'this_month', claimType: 'WCB' });
    expect(created.status, created.text).toBe(201);
    const deleted = await fixture.agent.delete(`/api/v1/analytics/statements/${created.body.id}`);
    expect(deleted.status, deleted.text).toBe(204);
  });

  it('refresh and log out with no body at all, or an empty JSON object', async () => {
    for (const refresh of [
      fixture.agent.post('/api/v1/analytics/refresh'),
      fixture.agent.post('/api/v1/analytics/refresh').send({}),
    ]) {
      const response = await refresh;
      expect(response.status, response.text).toBe(200);
    }
    for (const body of [undefined, {}]) {
      const { agent } = await signUp(app);
      const logout = agent.post('/api/v1/auth/logout');
      const response = await (body === undefined ? logout : logout.send(body));
      expect(response.status, response.text).toBe(204);
      expect((await agent.get('/api/v1/auth/me')).status).toBe(401);
    }
  });
});
