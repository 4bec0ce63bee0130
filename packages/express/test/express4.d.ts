// Express 4 is installed as the alias package `express4` (npm:express@4), which ships no types.
// The Express 5 types describe the part of the API these tests use (`express()`, `use`, `get`,
// `listen`) in the same way.
declare module 'express4' {
  import express from 'express';
  export default express;
}
