/**
 * The identity pool (and the user pool its signed-in users come from), read from the
 * environment: `IDENTITY_POOL_ID`, `USER_POOL_ID`.
 */
export function identityOptions(env: NodeJS.ProcessEnv = process.env): {
  identityPoolId: string;
  userPoolIds: string[];
} {
  const identityPoolId = env.IDENTITY_POOL_ID;
  const userPoolId = env.USER_POOL_ID;
  if (identityPoolId === undefined || userPoolId === undefined) {
    throw new TypeError('IDENTITY_POOL_ID and USER_POOL_ID must be set');
  }
  return { identityPoolId, userPoolIds: [userPoolId] };
}
