// Compiled by `pnpm typecheck`, never run. Each @ts-expect-error marks code that must not
// compile; if it ever does, tsc reports the directive as unused and the typecheck fails.
import {
  createVerifier,
  type TokenUse,
  type UserPoolConfig,
  type VerifierOptions,
} from '@cognito-guard/core';
import { cognitoAuth } from '@cognito-guard/express';
import { createRestTokenAuthorizer } from '@cognito-guard/lambda';
import { createTestIssuer } from '@cognito-guard/testing';

const userPoolId = 'us-east-1_Example';

// tokenUse in a variable. A `const` keeps its literal type: it compiles.
const use = 'access';
createVerifier({ userPoolId, clientId: 'c', tokenUse: use });

// A `let` (or a property of an object literal) widens to string, which is not a TokenUse: a
// typo such as 'acess' must stay a compile error, so the type is not loosened to string.
let widened = 'access';
// @ts-expect-error string is not 'access' | 'id' | null
createVerifier({ userPoolId, clientId: 'c', tokenUse: widened });
widened = 'id';
const config = { userPoolId, clientId: 'c', tokenUse: 'access' };
// @ts-expect-error the property widened to string
createVerifier(config);

// The idioms the core README shows, all of which compile:
// 1. `as const` on the value or the object;
const asConst = { userPoolId, clientId: 'c', tokenUse: 'access' } as const;
createVerifier(asConst);
// 2. `satisfies UserPoolConfig` (or VerifierOptions), which keeps the literal;
const satisfied = { userPoolId, clientId: 'c', tokenUse: 'id' } satisfies UserPoolConfig;
const idVerifier = createVerifier(satisfied);
// 3. a type annotation, for a value chosen at run time.
let chosen: TokenUse = 'access';
chosen = 'id';
createVerifier({ userPoolId, clientId: 'c', tokenUse: chosen });
const annotated: VerifierOptions<'access'> = { userPoolId, clientId: 'c', tokenUse: 'access' };
createVerifier(annotated);

// The literal is kept, so claims stay typed by token use.
export async function idClaims(token: string): Promise<string> {
  return (await idVerifier.verify(token)).claims.aud;
}

// Unknown keys in an object literal are already compile errors; the run-time check catches the
// rest (options built at run time, spread, or from JavaScript).
// @ts-expect-error tokenuse is not an option
createVerifier({ userPoolId, clientId: 'c', tokenUse: 'access', tokenuse: 'id' });
// @ts-expect-error optinal is not an option
cognitoAuth({ userPoolId, clientId: 'c', tokenUse: 'access', optinal: true });
// @ts-expect-error requires is not an option
createRestTokenAuthorizer({ verifier: asConst, requires: undefined });
// @ts-expect-error userPoolID is not an option
void createTestIssuer({ userPoolID: userPoolId });
