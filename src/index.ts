// The package's public surface: start a gateway, load config, and the protocol client.
export { startGateway, type GatewayHandle, type StartOptions } from './main.js';
export { loadConfig, type FrozenConfig, type LoadOptions } from './config/load.js';
export { ConfigError } from './config/errors.js';
export { GatewayClient, GatewayRequestError, GatewayClosedError } from './client/client.js';
export { connectWs, ConnectError, type WsConnectOptions } from './client/ws.js';
export { VERSION } from './version.js';
