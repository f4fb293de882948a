import type { Command } from "commander";
import { registerGatewayAdmin, registerGatewayClientLogin } from "./admin-commands.ts";
import { registerGatewayServe } from "./serve-command.ts";
import { registerGatewayUsage } from "./usage-command.ts";

/** `prodex gateway …`: the team gateway on PostgreSQL (docs/team.md). */
export function registerGateway(program: Command): void {
  const gw = program
    .command("gateway")
    .description("the team gateway: several instances sharing one pool through PostgreSQL (docs/team.md)");
  registerGatewayAdmin(gw);
  registerGatewayServe(gw);
  registerGatewayClientLogin(gw);
  registerGatewayUsage(gw);
}
