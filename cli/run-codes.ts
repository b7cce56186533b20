// Exit codes of `highlander run`, apart from run.ts so the usage text can name them without loading
// the runner (and its storage code) for `--help`.

/** Exit code when leadership was lost and the command stopped (EX_TEMPFAIL: try again later). */
export const EXIT_LEASE_LOST = 75;
/** Exit code when the service refuses us for good (bad token, bad request). */
export const EXIT_REFUSED = 2;
