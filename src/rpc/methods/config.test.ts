// config.get's redaction as a pure function: credentials inside URLs anywhere in the config
// (a key-set URL with a token in its query, a provider URL with a password), secrets under any
// secret-sounding key, and configured secrets wherever they are repeated.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, redactConfig, redactUrl } from './config.js';

describe('config redaction', () => {
  it('redacts user info, query values and fragments of URLs; keeps scheme, host, path and query names', () => {
    assert.equal(redactUrl('https://idp.example/jwks?access_token=abc123&x=1'), `https://idp.example/jwks?access_token=${REDACTED}&x=${REDACTED}`);
    assert.equal(redactUrl('http://u:p4ss@127.0.0.1:9/v1'), `http://${REDACTED}@127.0.0.1:9/v1`);
    assert.equal(redactUrl('https://only-user@h.example/'), `https://${REDACTED}@h.example/`);
    assert.equal(redactUrl('https://h.example/cb#id_token=eyJ'), `https://h.example/cb#${REDACTED}`);
    for (const plain of ['https://api.openai.com/v1', 'http://127.0.0.1:8080/', 'agent:manager:main', 'not a url', 'x://', '']) assert.equal(redactUrl(plain), plain);
  });

  it('finds them anywhere in a config, with key-named and value-named secrets', () => {
    const cfg = {
      gateway: { auth: { mode: 'trusted-proxy', assertion: { keys: { url: 'https://idp.example/jwks?sig=QUERYSECRET' } }, proxySecret: { header: 'x-s', value: 'PROXYSECRET-0123456789' } } },
      models: { providers: { a: { baseUrl: 'https://user:URLPASS@llm.example/v1', apiKeyValue: 'sk-APIKEY', apiKeyEnv: 'OPENAI_API_KEY' } } },
      agents: { list: [{ id: 'm', systemPrompt: 'repeat PROXYSECRET-0123456789 never' }] },
      channels: { slack: { enabled: true, appToken: 'xapp-SLACKAPP', botToken: 'xoxb-SLACKBOT', signingSecret: 'SIGNING', apiUrl: 'https://slack.example/api/?token=SLACKQ' } },
    };
    const out = JSON.stringify(redactConfig(cfg, ['PROXYSECRET-0123456789']));
    for (const s of ['QUERYSECRET', 'URLPASS', 'sk-APIKEY', 'PROXYSECRET', 'SLACKAPP', 'SLACKBOT', 'SIGNING', 'SLACKQ']) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
    assert.ok(out.includes('OPENAI_API_KEY'), 'env-var names stay readable');
    assert.ok(out.includes('llm.example') && out.includes('idp.example'), 'hosts stay readable');
  });
});
