// The demo arrives with the Express adapter (issue 3). Until then this says so and succeeds,
// so the README's first command stays true on a fresh machine.
console.log('cognito-guard demo: coming in the Express adapter (@cognito-guard/express).');
console.log('Meanwhile, `pnpm test` runs the core and testing-kit suites.');
