/**
 * `Query.auditLog`, second step of its pipeline. The first step, the APPSYNC_JS function
 * `appsync/require-auditors.js`, has already refused callers outside the auditors and admin
 * groups, so this Lambda only fetches data.
 */
export async function handler(event: { readonly identity?: { readonly sub?: string } }) {
  return [`audit log read by ${event.identity?.sub ?? 'unknown'}`, 'post p1 deleted'];
}
