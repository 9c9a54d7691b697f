// The portal's configuration: /config.json, written by `make run` locally or deployed beside the files.
let loaded;

export async function config() {
  if (!loaded) {
    const reply = await fetch("/config.json", { cache: "no-store" });
    if (!reply.ok) throw new Error("The portal is not configured (config.json is missing).");
    loaded = await reply.json();
  }
  return loaded;
}
