// Type-level checks of index.d.ts: this file must compile, and each @ts-expect-error line
// must be an error, so that a loosened type fails the build.
import { handle, type Envelope, type GatewayConfig } from "zoom-gateway";

const config: GatewayConfig = { ZOOM_CLIENT_ID: "id", ZOOM_CLIENT_SECRET: "secret", ZOOM_TIMEOUT_MS: 5000 };

export async function examples(): Promise<void> {
  const login = await handle({ APIName: "GET_ACCESS_TOKEN", body: { code: "abc" } }, config);
  if (login.error === 0) {
    const access: string = login.body.accessToken;
    void access;
  }

  const created = await handle(
    { APIName: "CREATE_MEETING", body: { token: "t", topic: "Review", type: 2, duration: 30 } },
    config,
  );
  if (created.error === 0) {
    const joinUrl: string | undefined = created.body.join_url;
    const updated: boolean = created.token.updated;
    void joinUrl, updated;
  } else {
    const code: 1 | 2 | 3 = created.error;
    const status: number | undefined = created.zoom?.status;
    void code, status;
  }

  const deleted: Envelope<{ APIName: "DELETE_MEETING"; body: { meetingId: bigint } }> = await handle(
    { APIName: "DELETE_MEETING", body: { token: "t", meetingId: 85746065432n, cancel_meeting_reminder: true } },
    config,
  );
  void deleted;

  // Settings straight from an environment object fit.
  const fromEnv = await handle({ APIName: "GET_MEETING", body: { token: "t", meetingId: "1" } }, process_env());
  void fromEnv.error;

  // @ts-expect-error: type 4 is not a type one may create
  await handle({ APIName: "CREATE_MEETING", body: { token: "t", type: 4 } }, config);
  // @ts-expect-error: a GET needs a meetingId
  await handle({ APIName: "GET_MEETING", body: { token: "t" } }, config);
  // @ts-expect-error: a login needs a code
  await handle({ APIName: "GET_ACCESS_TOKEN", body: {} }, config);
}

function process_env(): Record<string, string | undefined> {
  return {};
}
