// The protected backend: echoes what the authorizer handed over, so the example (and its
// end-to-end test) can see the principal and the context.

/** REST API (payload 1.0 proxy) and HTTP API (payload 2.0) integration. */
export async function handler(event) {
  const authorizer = event.requestContext?.authorizer ?? {};
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ok: true,
      // REST: { principalId, ...context }; HTTP API simple responses: { lambda: context }.
      principalId: authorizer.principalId ?? authorizer.lambda?.sub ?? null,
      authorizer,
    }),
  };
}

/** WebSocket `$connect` and `$default` routes. */
export async function websocket() {
  return { statusCode: 200 };
}
