// Unit tests for delegation policy and tool-scope capping.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { openSqliteStore } from '../store/sqlite.js';
import { checkDelegatedRun } from './policy.js';
import { toolScopes } from './run-loop.js';
import { BUILTIN_TOOLS } from './tools/sessions.js';
import type { Delegation } from '../rpc/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'clawgate-policy-'));
const cfg = loadConfig({ env: { CLAWGATE_STATE_DIR: dir } });
const store = openSqliteStore(':memory:');
const parent: Delegation = { actingFor: 'token', owner: 'operator', principal: { kind: 'token' }, agentId: 'manager', sessionKey: 'agent:manager:main', runId: 'r1', depth: 0 };

describe('delegation policy', () => {
  it('allows a manager to start a worker under the limits', () => {
    assert.doesNotThrow(() => checkDelegatedRun(cfg, store, parent, 'worker', 0));
  });
  it('refuses a new subagent when maxConcurrent subagents are already running', () => {
    assert.throws(() => checkDelegatedRun(cfg, store, parent, 'worker', 8), /too many subagents running \(maxConcurrent 8\)/);
  });
  it('refuses agents outside allowAgents and depths past maxDepth', () => {
    assert.throws(() => checkDelegatedRun(cfg, store, { ...parent, agentId: 'worker' }, 'manager', 0), /may not start agent "manager"/);
    assert.throws(() => checkDelegatedRun(cfg, store, { ...parent, depth: 2 }, 'worker', 0), /depth limit/);
  });
});

describe('tool scope capping', () => {
  const read = BUILTIN_TOOLS.filter((t) => t.name === 'sessions_list');
  it('gives the tool client only the scopes its allowed tools need', () => {
    assert.deepEqual(toolScopes(['operator.admin', 'operator.read', 'operator.write'], read), ['operator.read']);
  });
  it('never grants a scope the starter did not have', () => {
    assert.deepEqual(toolScopes(['operator.read'], BUILTIN_TOOLS), ['operator.read']);
    assert.deepEqual(toolScopes([], BUILTIN_TOOLS), []);
  });
});
