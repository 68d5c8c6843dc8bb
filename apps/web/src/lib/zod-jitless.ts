import { z } from 'zod';

// Zod compiles object parsers with `new Function` when the page allows it, and merely probing
// for that is reported as a CSP violation (script-src has no 'unsafe-eval'). Parsing without the
// compiled fast path gives the same results.
z.config({ jitless: true });
