// The Skills pages' reads (skills.status, skills.search, skills.library.list,
// skills.proposals.list): clawgate agents have no skills (only the built-in tools, see
// tools.effective), so each answers OpenClaw's empty state. docs/protocol.md lists them as "empty".
import { any, record } from '../../protocol/schema.js';
import { defineMethod, type MethodDef } from '../registry.js';

const empty = (name: string, payload: (p: Record<string, unknown>) => unknown): MethodDef => defineMethod({ name, params: record(any()), handle: (_ctx, p) => payload(p) });

export const SKILLS_METHODS: readonly MethodDef[] = [
  empty('skills.status', () => ({ workspaceDir: null, managedSkillsDir: null, skills: [] })),
  empty('skills.search', () => ({ results: [] })),
  empty('skills.library.list', () => ({ skills: [] })),
  empty('skills.proposals.list', () => ({ proposals: [], installedSkills: [] })),
];
