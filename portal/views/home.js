import { session } from "../lib/auth.js";

export default async function home(main, { navigate }) {
  navigate(session() ? "/deals" : "/sign-in", { replace: true });
}
