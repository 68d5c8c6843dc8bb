import supertest from 'supertest';
import { SESSION_COOKIE } from '../src/plugins/sessions';
import { type HttpSession, httpRequest } from './http-session';

/** An app to sign up with in this process: `useApp`'s handle, or `{ http }` of one's own. */
export interface InProcessApp {
  http: () => supertest.Agent;
}

export interface Credentials {
  email: string;
  password: string;
  name: string;
  billingNumber: string;
}

/** A physician signed up, then in. */
export interface SignedUp {
  /** Carries the session cookie. */
  agent: supertest.Agent;
  credentials: Credentials;
  providerId: string;
  /** The login's answer. */
  response: supertest.Response;
  /** The Cookie header this session sends (`name=value`, as Set-Cookie gave it). */
  cookie: string;
  /** The session token, the cookie's value decoded. */
  token: string;
}

let signups = 0;

/**
 * Signs a new physician up, then in. `via` is the transport: an app in this process (its
 * `http()` agent), or the base URL of a listening server, whose session then also has
 * `request` (plain fetch with the session cookie: socket, router and real pool every time).
 */
export function signUp(
  baseUrl: string,
  overrides?: Partial<Credentials>,
): Promise<SignedUp & HttpSession>;
export function signUp(app: InProcessApp, overrides?: Partial<Credentials>): Promise<SignedUp>;
export async function signUp(
  via: InProcessApp | string,
  overrides: Partial<Credentials> = {},
): Promise<SignedUp> {
  signups += 1;
  const credentials: Credentials = {
    email: `dr.${process.pid}.${signups}.${Date.now()}@example.ca`,
    password: 'correct horse battery staple',
    name: `Dr. Test ${signups}`,
    billingNumber: `BN-${process.pid}-${signups}-${Date.now() % 100_000}`,
    ...overrides,
  };
  const agent = typeof via === 'string' ? supertest.agent(via) : via.http();
  const signup = await agent.post('/api/v1/auth/signup').send(credentials);
  if (signup.status !== 202) throw new Error(`signup failed: ${signup.status} ${signup.text}`);
  const response = await agent
    .post('/api/v1/auth/login')
    .send({ email: credentials.email, password: credentials.password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
  const setCookie = [response.headers['set-cookie'] ?? []].flat() as string[];
  const line = setCookie.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!line) throw new Error('login set no session cookie');
  const cookie = line.split(';')[0] as string;
  const signed: SignedUp = {
    agent,
    credentials,
    providerId: response.body.providerId as string,
    response,
    cookie,
    token: decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1)),
  };
  if (typeof via !== 'string') return signed;
  const overHttp: SignedUp & HttpSession = {
    ...signed,
    request: (method, path, options = {}) => httpRequest(via, method, path, { ...options, cookie }),
  };
  return overHttp;
}
