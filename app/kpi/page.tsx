import type { Metadata } from "next";
import { kpiOverview } from "@/src/analytics";
import { requireAdmin } from "@/src/auth";
import { getPrisma } from "@/src/data";

export const metadata: Metadata = { title: "KPIs", robots: { index: false, follow: false } };

export default async function KpiPage() {
  const admin = await requireAdmin();
  const overview = await kpiOverview(await getPrisma());
  return (
    <main id="main" className="container">
      <header className="site-header">
        <span className="brand">Huntaze KPIs</span>
        <span>Signed in as {admin.name}</span>
      </header>
      <h1>Activation</h1>
      <ul className="features" aria-label="Headline figures">
        <li className="card">
          <h2>Creators</h2>
          <p>{overview.creators}</p>
        </li>
        <li className="card">
          <h2>New in the last 7 days</h2>
          <p>{overview.creatorsLast7Days}</p>
        </li>
      </ul>
      <h2>Connections</h2>
      {overview.connectionsByProvider.length === 0 ? (
        <p>No creator has connected an account yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Status</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {overview.connectionsByProvider.map((row) => (
              <tr key={`${row.provider}-${row.status}`}>
                <td>{row.provider}</td>
                <td>{row.status}</td>
                <td>{row.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
