// Credentials for `clawgate call --url`: flags first, then CLAWGATE_GATEWAY_TOKEN/PASSWORD.
export function resolveCliSecrets(flags: { token?: string | undefined; password?: string | undefined }, env: Readonly<Record<string, string | undefined>> = process.env): { token?: string; password?: string } {
  const token = flags.token ?? env.CLAWGATE_GATEWAY_TOKEN;
  const password = flags.password ?? env.CLAWGATE_GATEWAY_PASSWORD;
  return { ...(token ? { token } : {}), ...(password ? { password } : {}) };
}
