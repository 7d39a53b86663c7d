#!/usr/bin/env node
// Starts the simulator from a shell and prints one JSON line with its addresses, then runs
// until SIGINT or SIGTERM. Flags win over SIM_* environment variables.

import { parseArgs } from "node:util";
import { startSimulator } from "./index.js";

const USAGE = `usage: node sim/cli.js [options]
  --port N              port to listen on (SIM_PORT; default 0 = any free port)
  --host H              address to listen on (SIM_HOST; default 127.0.0.1)
  --auto-approve        authorize redirects at once, without the consent page (SIM_AUTO_APPROVE=1)
  --token-ttl SEC       access token lifetime in seconds (SIM_TOKEN_TTL; default 3600)
  --client-id X         confidential client id (SIM_CLIENT_ID)
  --client-secret Y     confidential client secret (SIM_CLIENT_SECRET)
  --public-client-id X  PKCE public client id (SIM_PUBLIC_CLIENT_ID)
  --account-id X        account for account_credentials (SIM_ACCOUNT_ID)
  --redirect-uri U      registered redirect URI; repeat for several (SIM_REDIRECT_URI, space-separated)
  --daily-limit N       creates+updates per host per UTC day, 0 = off (SIM_DAILY_LIMIT; default 100)
  --rate-create N       create requests per second, 0 = off (SIM_RATE_CREATE; default off)
  --rate-light N        get/update/delete requests per second, 0 = off (SIM_RATE_LIGHT; default off)
  --no-cors             send no CORS headers
  --verbose             log each request (redacted) to stderr
  --help                show this text`;

const FLAGS = {
  port: { type: "string", env: "SIM_PORT" },
  host: { type: "string", env: "SIM_HOST" },
  "auto-approve": { type: "boolean", env: "SIM_AUTO_APPROVE" },
  "token-ttl": { type: "string", env: "SIM_TOKEN_TTL" },
  "client-id": { type: "string", env: "SIM_CLIENT_ID" },
  "client-secret": { type: "string", env: "SIM_CLIENT_SECRET" },
  "public-client-id": { type: "string", env: "SIM_PUBLIC_CLIENT_ID" },
  "account-id": { type: "string", env: "SIM_ACCOUNT_ID" },
  "redirect-uri": { type: "string", multiple: true, env: "SIM_REDIRECT_URI" },
  "daily-limit": { type: "string", env: "SIM_DAILY_LIMIT" },
  "rate-create": { type: "string", env: "SIM_RATE_CREATE" },
  "rate-light": { type: "string", env: "SIM_RATE_LIGHT" },
  "no-cors": { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean" },
};

function readFlags(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.entries(FLAGS).map(([name, { type, multiple = false }]) => [name, { type, multiple }]),
    ),
    strict: true,
  });
  for (const [name, { type, multiple, env: variable }] of Object.entries(FLAGS)) {
    const fromEnv = variable ? env[variable] : undefined;
    if (values[name] !== undefined || fromEnv === undefined || fromEnv === "") continue;
    if (type === "boolean") values[name] = !["0", "false", "no"].includes(fromEnv.toLowerCase());
    else values[name] = multiple ? fromEnv.split(/\s+/).filter(Boolean) : fromEnv;
  }
  return values;
}

function number(flag, text) {
  const value = Number(text);
  if (text === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`--${flag} needs a number, got ${text}`);
  return value;
}

function toOptions(flags) {
  const options = {
    port: number("port", flags.port),
    host: flags.host,
    autoApprove: flags["auto-approve"],
    accessTokenTtlSec: number("token-ttl", flags["token-ttl"]),
    clientId: flags["client-id"],
    clientSecret: flags["client-secret"],
    publicClientId: flags["public-client-id"],
    accountId: flags["account-id"],
    redirectUri:
      flags["redirect-uri"]?.length === 1 ? flags["redirect-uri"][0] : flags["redirect-uri"],
    dailyLimit: number("daily-limit", flags["daily-limit"]),
    perSecondLimit: {
      create: number("rate-create", flags["rate-create"]),
      light: number("rate-light", flags["rate-light"]),
    },
    cors: flags["no-cors"] ? false : undefined,
    quiet: flags.verbose ? false : undefined,
  };
  options.perSecondLimit = Object.fromEntries(
    Object.entries(options.perSecondLimit).filter(([, value]) => value !== undefined),
  );
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

async function main() {
  let flags;
  try {
    flags = readFlags(process.argv.slice(2), process.env);
    if (flags.help) {
      console.log(USAGE);
      return;
    }
    flags = toOptions(flags);
  } catch (error) {
    console.error(`zoom-sim: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const sim = await startSimulator(flags);
  console.log(JSON.stringify({ url: sim.url, apiBase: sim.apiBase, oauthBase: sim.oauthBase }));

  const stop = () => {
    sim.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error) => {
  console.error(`zoom-sim: ${error.message}`);
  process.exit(1);
});
