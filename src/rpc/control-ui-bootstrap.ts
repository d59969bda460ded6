// The payload of `GET <basePath>/control-ui-config.json`, the file OpenClaw's Control UI reads
// before it connects: who the assistant is and which optional UI features the gateway offers.
// clawgate offers none of the optional ones (terminal, CLI agents, plugin frames, embeds).
import type { FrozenConfig } from '../config/load.js';

export interface AssistantIdentity { agentId: string; name: string; avatar: string; emoji?: string }

/** The default agent, or the named one: its display name, and its initial as the avatar. */
export function assistantIdentity(config: FrozenConfig, agentId?: string): AssistantIdentity | undefined {
  const list = config.agents.list;
  const a = (agentId ? list.find((x) => x.id === agentId) : undefined) ?? (agentId ? undefined : list.find((x) => x.default) ?? list[0]);
  if (!a) return undefined;
  const name = a.name ?? a.id;
  return { agentId: a.id, name, avatar: name.slice(0, 1).toUpperCase() };
}

export function controlUiBootstrap(config: FrozenConfig, version: string): Record<string, unknown> {
  const id = assistantIdentity(config);
  const basePath = config.gateway.controlUi.basePath === '/' ? '' : config.gateway.controlUi.basePath;
  return {
    basePath,
    assistantName: id?.name ?? 'Assistant',
    assistantAvatar: id?.avatar ?? 'A',
    assistantAvatarSource: null, assistantAvatarStatus: null, assistantAvatarReason: null,
    ...(id ? { assistantAgentId: id.agentId } : {}),
    serverVersion: version,
    embedSandbox: 'strict',
    allowExternalEmbedUrls: false,
    automaticallyFetchFavicons: false,
    communityInvite: false,
    terminalEnabled: false,
    cliAgentsEnabled: false,
    pluginAssetsRequireAuth: config.gateway.auth.mode !== 'none',
    pluginFrameGrants: [],
  };
}
