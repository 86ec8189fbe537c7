// Browser-side auth calls (sign-in, sign-up, sign-out) through better-auth's client, same origin.
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient();
