// What a portal developer writes against the generated types (build/schema.d.ts, from /v1/openapi.json).
// `tsc --noEmit` must accept it: a field renamed or dropped in the API breaks this file, not a browser.
import createClient from "openapi-fetch";
import type { components, paths } from "../build/schema";

type Deal = components["schemas"]["Deal"];
type WaitingOn = components["schemas"]["WaitingOn"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

export function whoIsNext(deal: Deal): string[] {
  return deal.waiting_on.map((w: WaitingOn) => `${w.name ?? w.role}: ${w.open_items} open`);
}

export async function openDeal(token: string, dealId: string): Promise<Deal | undefined> {
  const { data, error, response } = await api.GET("/v1/deals/{deal_id}", {
    params: { path: { deal_id: dealId } },
    headers: { Authorization: `Bearer ${token}` },
  });
  if (error) {
    console.warn(error.error.code, response.status);
    return undefined;
  }
  const etag: string | null = response.headers.get("ETag");
  console.info(etag, data.stage_label, data.next_step, data.tasks.length);
  return data;
}

export async function completeTask(token: string, dealId: string, taskId: string, version: number) {
  const { data, error } = await api.PATCH("/v1/deals/{deal_id}/tasks/{task_id}", {
    params: { path: { deal_id: dealId, task_id: taskId }, header: { "If-Match": `"${version}"` } },
    headers: { Authorization: `Bearer ${token}` },
    body: { status: "done", proof: { note: "Signed and returned" } },
  });
  if (error) {
    return error.error.code;
  }
  const status: "open" | "done" | "cancelled" = data.status;
  return status;
}

export async function myDeals(token: string, cursor?: string) {
  const { data } = await api.GET("/v1/deals", {
    params: { query: { limit: 25, cursor } },
    headers: { Authorization: `Bearer ${token}` },
  });
  return { titles: (data?.items ?? []).map((d) => d.title), next: data?.next_cursor ?? null };
}
