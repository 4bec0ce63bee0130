// Compiled by `pnpm typecheck`, never run. Each @ts-expect-error marks code that must not
// compile; if it ever does, tsc reports the directive as unused and the typecheck fails.
import { type AuthResult, createVerifier } from '@cognito-guard/core';
import {
  cognitoAuth,
  guard,
  type HttpAuthError,
  requireClaims,
  requireGroups,
  requireScopes,
} from '@cognito-guard/express';
import express, { type ErrorRequestHandler, Router } from 'express';

const app = express();
const verifier = createVerifier({
  userPoolId: 'us-east-1_Example',
  clientId: 'client',
  tokenUse: 'access',
});

// Either a verifier, or the options createVerifier takes.
app.use(cognitoAuth({ verifier }));
app.use(cognitoAuth({ verifier, optional: true, realm: 'api', passErrors: true }));
app.use(cognitoAuth({ userPoolId: 'us-east-1_Example', clientId: null, tokenUse: null }));
app.use(
  cognitoAuth({
    userPools: [{ userPoolId: 'us-east-1_A', clientId: 'a', tokenUse: 'id' }],
    allowQueryToken: true,
  }),
);

// The verifier options keep their compile-time checks.
// @ts-expect-error tokenUse is required
cognitoAuth({ userPoolId: 'us-east-1_Example', clientId: 'client' });
// @ts-expect-error a verifier or its options, not both
cognitoAuth({ verifier, userPoolId: 'us-east-1_Example' });
// @ts-expect-error optional is a boolean
cognitoAuth({ verifier, optional: 'yes' });

// req.auth is typed by declaration merging, on plain handlers and routers alike.
app.get('/orders/:id', requireScopes('orders/read'), (req, res) => {
  const auth: AuthResult | undefined = req.auth;
  const id: string = req.params.id;
  res.json({ id, sub: auth?.sub, groups: auth?.groups });
});
const router = Router();
router.delete('/:id', requireGroups({ anyOf: ['admin', 'support'] }), (req, res) => {
  // @ts-expect-error auth may be undefined (optional routes)
  res.json({ sub: req.auth.sub });
});
app.use('/admin', router);

// Guards take core's rule shapes.
requireScopes({ allOf: ['a'], noneOf: ['b'] });
requireClaims({ 'custom:tenant': 'acme' });
requireClaims((auth) => auth.claims.token_use === 'access');
guard((auth) => {
  if (auth.isMachine) throw new Error('users only');
});
// @ts-expect-error scopes are strings
requireScopes(1);
// @ts-expect-error a policy is a function of the auth result
guard('admin');

// The error handed to next(err) with passErrors.
const onError: ErrorRequestHandler = (err: HttpAuthError, _req, res, _next) => {
  res.status(err.statusCode).set(err.headers).json(err.body);
};
app.use(onError);
