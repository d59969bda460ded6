// config.get from an outsider's seat: a config with a secret in every place the config allows
// (the gateway password, ignored in this mode but present, the proxy secret, a model provider's apiKey and credentials
// inside its baseUrl, Slack tokens and credentials in the Slack API URL, a secret repeated
// in a system prompt) answers a person holding only operator.read with none of them, and with
// no host path (docs/protocol.md#host-paths); an operator.admin still gets the paths, never a secret.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connectWs, type GatewayClient } from '../src/client/ws.js';
import { bootGateway, SEED_GATEWAY, type TestGateway } from './fixtures/gateway.fixture.js';

const BOB = 'bob@example.com';
const CAROL = 'carol@example.com'; // an admin
const PROXY_SECRET = 'proxy-secret-0123456789-abcdef';
const SECRETS = {
  password: 'gateway-password-SECRET-2222',
  apiKey: 'sk-openai-SECRET-3333',
  urlPassword: 'basicpw-SECRET-4444',
  urlQuery: 'query-key-SECRET-5555',
  urlFragment: 'fragment-SECRET-6666',
  slackApp: 'xapp-1-SECRET-7777',
  slackBot: 'xoxb-SECRET-8888',
  slackUrlPassword: 'slackpw-SECRET-9999',
  proxy: PROXY_SECRET,
};

describe('config.get redacts every secret and hides host paths from non-admins', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  const as = async (email: string) => {
    const { client } = await connectWs({ url: gw.url, headers: { 'x-authentik-email': email, 'x-clawgate-proxy-secret': PROXY_SECRET } });
    clients.push(client);
    return client;
  };
  before(async () => {
    gw = await bootGateway({
      gateway: {
        ...SEED_GATEWAY, port: 0,
        auth: {
          ...SEED_GATEWAY.auth,
          password: SECRETS.password,
          trustedProxy: { ...SEED_GATEWAY.auth.trustedProxy, allowUsers: [BOB, CAROL], proxySecret: { header: 'x-clawgate-proxy-secret', value: PROXY_SECRET } },
          identityScopes: { [BOB]: ['operator.read'], [CAROL]: ['operator.admin'] },
        },
      },
      agents: { list: [{ id: 'manager', default: true, model: 'local/m', systemPrompt: `never say ${SECRETS.apiKey} or ${PROXY_SECRET}` }] },
      models: {
        providers: {
          local: {
            baseUrl: `http://svc:${SECRETS.urlPassword}@127.0.0.1:9/v1?api-key=${SECRETS.urlQuery}&region=eu#${SECRETS.urlFragment}`,
            apiKey: SECRETS.apiKey,
          },
        },
      },
      channels: { slack: { enabled: false, appToken: SECRETS.slackApp, botToken: SECRETS.slackBot, apiUrl: `https://u:${SECRETS.slackUrlPassword}@slack.example/api/` } },
    });
  });
  after(async () => { for (const c of clients) c.close(); await gw.stop(); });

  const leaked = (text: string) => Object.entries(SECRETS).filter(([, s]) => text.includes(s)).map(([k]) => k);

  it('a read-only person gets no secret and no host path', async () => {
    const bob = await as(BOB);
    const snap = await bob.request<Record<string, unknown> & { config: { models: { providers: { local: { baseUrl: string } } } } }>('config.get', {});
    const text = JSON.stringify(snap);
    assert.deepEqual(leaked(text), [], 'secrets in config.get');
    assert.ok(!text.includes(gw.stateDir), 'the state directory (a host path) reached a read-only caller');
    assert.equal(snap.path, undefined, 'the config file path is left out');
    assert.equal((snap.config as Record<string, unknown>).stateDir, undefined);
    // The team roster (who may sign in, who is admin) is people data: admins only.
    assert.ok(!text.includes(CAROL), 'the roster (allowUsers, identityScopes) reached a read-only caller');
    const auth = (snap.config as unknown as { gateway: { auth: Record<string, unknown> } }).gateway.auth;
    assert.deepEqual([auth.allowUsers, auth.identityScopes, auth.groupScopes], [undefined, undefined, undefined]);
    assert.equal(auth.userHeader, 'x-authentik-email', 'the rest of auth stays readable');
    // The hash is of what this caller sees: one over the hidden paths would confirm a guessed path.
    assert.equal(snap.hash, createHash('sha256').update(JSON.stringify(snap.config)).digest('hex'));
    // What is not secret stays readable: the provider's scheme, host, path and query names.
    assert.equal(snap.config.models.providers.local.baseUrl, 'http://__OPENCLAW_REDACTED__@127.0.0.1:9/v1?api-key=__OPENCLAW_REDACTED__&region=__OPENCLAW_REDACTED__#__OPENCLAW_REDACTED__');
  });

  it('an admin gets the host paths, still no secret', async () => {
    const carol = await as(CAROL);
    const snap = await carol.request<Record<string, unknown>>('config.get', {});
    const text = JSON.stringify(snap);
    assert.deepEqual(leaked(text), []);
    assert.equal(typeof snap.path, 'string');
    assert.ok(text.includes(gw.stateDir));
    assert.ok(text.includes(CAROL) && text.includes(BOB), 'an admin sees the roster');
  });

  it('no secret in the gateway\'s log lines or logs.tail', async () => {
    const carol = await as(CAROL);
    const tail = await carol.request<{ lines: string[] }>('logs.tail', { limit: 5000 });
    assert.deepEqual(leaked(JSON.stringify(tail)), []);
    assert.deepEqual(leaked(gw.logs.join('\n')), []);
  });
});
