export { GatewayError, asProdexError } from "./errors.ts";
export { databaseUrl, migrateGateway, withGateway, withVault } from "./admin/open-gateway.ts";
export {
  ROLES,
  createKey,
  keyHash,
  listKeys,
  parseRole,
  revokeKey,
  updateKeyLimits,
  type CreatedKey,
  type KeyInfo,
} from "./admin/api-keys.ts";
export { limitText, limitsFromFlags, limitsFromJson, parseLimit } from "./admin/key-limits-input.ts";
export { addAccount, listAccounts, pauseAccount, removeAccount, type AccountInfo } from "./admin/accounts.ts";
export { rotateKey } from "./admin/rotate-key.ts";
export { loadSecretKey, parseSecretKey, secretKeyId, type SecretKey } from "./secrets/secret-key.ts";
export { TokenVault } from "./secrets/token-vault.ts";
export { startGateway, type GatewayHandle, type GatewayOptions } from "./serve/start-gateway.ts";
export {
  GATEWAY_GROUPS,
  parseGatewayBy,
  usageCsv,
  usageReport,
  type Asker,
  type GatewayBy,
  type GatewayUsage,
} from "./admin/usage-report.ts";
