// commands.list: the slash commands an agent's chat understands, in OpenClaw's catalog shape;
// OpenClaw's TUI offers them for completion. The only ones clawgate has are the built-in
// scripted model's directives (docs/agents/scripted-model.md): an agent on that model lists
// `/tool`, `/reply` and `/words`; an agent on a real model has none (its messages go to the
// model as they are), so its catalog is truthfully empty. An unknown agent is refused.
import { bool, literal, obj, optional, str } from '../../protocol/schema.js';
import { RpcError } from '../../protocol/error-codes.js';
import { defineMethod, type MethodDef } from '../registry.js';

/** The configured agents with their resolved model reference (`scripted` or `<provider>/<model>`). */
export type AgentModels = () => readonly { readonly id: string; readonly model: string; readonly default?: boolean | undefined }[];

interface Arg { name: string; description: string; type: 'string' | 'number'; required?: true }
interface Directive { key: string; description: string; args: Arg[] }

const SCRIPTED_DIRECTIVES: readonly Directive[] = [
  { key: 'tool', description: 'Call a tool: /tool NAME [JSON arguments]. Several lines run in order; the reply lists each result.', args: [
    { name: 'name', description: 'The tool to call, e.g. sessions_list', type: 'string', required: true },
    { name: 'arguments', description: 'The arguments as a JSON object (default {})', type: 'string' },
  ] },
  { key: 'reply', description: 'Set the reply: /reply TEXT (several lines are joined with newlines).', args: [
    { name: 'text', description: 'The reply text', type: 'string' },
  ] },
  { key: 'words', description: 'Add a reply line of N lorem-ipsum words: /words N (N up to 1,000,000).', args: [
    { name: 'count', description: 'How many words', type: 'number', required: true },
  ] },
];

const agentOfKey = (key: string | undefined) => (key ? /^agent:([^:]+):/.exec(key)?.[1] : undefined);

export function commandsMethods(agents: AgentModels): MethodDef[] {
  return [
    defineMethod({
      name: 'commands.list',
      params: obj({
        agentId: optional(str({ min: 1, max: 64 })),
        sessionKey: optional(str({ min: 1, max: 500 })),
        provider: optional(str({ min: 1, max: 64 })),
        scope: optional(literal('text', 'native', 'both')),
        includeArgs: optional(bool()),
      }),
      handle: (_ctx, p) => {
        const list = agents();
        const id = p.agentId?.trim() || agentOfKey(p.sessionKey) || (list.find((a) => a.default) ?? list[0])?.id;
        const agent = list.find((a) => a.id === id);
        if (!agent) throw new RpcError('INVALID_REQUEST', `unknown agent "${(id ?? '').slice(0, 64)}"`, { details: { code: 'NOT_FOUND' } });
        // The directives are typed into the message: text surface only, never native commands.
        if (agent.model !== 'scripted' || p.scope === 'native') return { commands: [] as unknown[] };
        return {
          commands: SCRIPTED_DIRECTIVES.map((d) => ({
            name: d.key, textAliases: [`/${d.key}`], description: d.description, source: 'native', scope: 'text', acceptsArgs: true,
            ...(p.includeArgs === false ? {} : { args: d.args }),
          })),
        };
      },
    }),
  ];
}
