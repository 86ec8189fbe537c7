import type { Metadata } from "next";
import { requireUser } from "@/src/auth";
import { connectionViews, resultMessage } from "@/src/social";
import { getKeyValueStore, getPrisma } from "@/src/data";
import { moduleLogger } from "@/src/observability";
import { DisconnectButton } from "@/src/ui/disconnect-button";
import { OnlyFansPanel, type OnlyFansPanelStatus } from "@/src/ui/onlyfans-panel";
import { onlyfansSettings } from "@/src/social/onlyfans/config";
import { ONLYFANS_CONSENT_POINTS } from "@/src/social/onlyfans/consent";
import { readOnlyFansStatus } from "@/src/social/onlyfans/connect";

export const metadata: Metadata = { title: "Connections" };

const STATE_LABELS = {
  connected: "Connected",
  needs_attention: "Needs attention: reconnect to keep your data flowing",
  not_connected: "Not connected",
  not_configured: "Not available on this deployment",
} as const;

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default async function ConnectionsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const query = await searchParams;
  const message = resultMessage(typeof query.provider === "string" ? query.provider : undefined, typeof query.result === "string" ? query.result : undefined);
  const views = await connectionViews(user.id);
  // Redis down must not take the page down: the panel then loads the status itself.
  const onlyfans: OnlyFansPanelStatus | null = await readOnlyFansStatus({ prisma: await getPrisma(), store: getKeyValueStore(), settings: onlyfansSettings() }, user.id).catch(
    (error: unknown) => {
      moduleLogger("onlyfans").warn({ err: error }, "OnlyFans status unavailable for the connections page");
      return null;
    },
  );
  return (
    <>
      <h1>Connections</h1>
      <p>Connect the accounts you run. Huntaze only reads your profile and performance figures; it never posts or sends anything for you.</p>
      {message && (
        <p className={message.tone === "error" ? "form-error" : "notice"} role={message.tone === "error" ? "alert" : "status"} id="connection-result">
          {message.text}
        </p>
      )}
      <ul className="connections" aria-label="Accounts">
        {views.map((view) => (
          <li className="card connection" key={view.provider} data-provider={view.provider} data-state={view.state}>
            <div className="connection__identity">
              {view.avatarUrl ? (
                // eslint-disable-next-line @next/next/no-img-element -- provider CDN avatars, sized by CSS; next/image would proxy them
                <img src={view.avatarUrl} alt="" width={48} height={48} className="avatar" />
              ) : (
                <span className="avatar avatar--empty" aria-hidden="true">
                  {view.label[0]}
                </span>
              )}
              <div>
                <h2>{view.label}</h2>
                <p className="connection__state">{STATE_LABELS[view.state]}</p>
                {view.username && <p className="connection__account">@{view.username}</p>}
              </div>
            </div>
            {(view.state === "connected" || view.state === "needs_attention") && (
              <dl className="connection__details">
                <dt>Access granted</dt>
                <dd>{view.scopes.join(", ") || "—"}</dd>
                <dt>Last sync</dt>
                <dd>{view.lastSyncAt ? `${dateFormat.format(view.lastSyncAt)} UTC` : "Not yet"}</dd>
              </dl>
            )}
            <div className="connection__actions">
              {view.state === "not_connected" && (
                <a className="button" href={view.connectPath}>
                  Connect {view.label}
                </a>
              )}
              {view.state === "needs_attention" && (
                <a className="button" href={view.connectPath}>
                  Reconnect {view.label}
                </a>
              )}
              {(view.state === "connected" || view.state === "needs_attention") && <DisconnectButton provider={view.provider} label={view.label} />}
            </div>
          </li>
        ))}
        <li className="card connection" data-provider="onlyfans" data-state={onlyfans?.status ?? "loading"}>
          <div className="connection__identity">
            <span className="avatar avatar--empty" aria-hidden="true">
              O
            </span>
            <div>
              <h2>OnlyFans</h2>
            </div>
          </div>
          <OnlyFansPanel initial={onlyfans} consentPoints={ONLYFANS_CONSENT_POINTS} accountEmail={user.email} />
        </li>
      </ul>
    </>
  );
}
