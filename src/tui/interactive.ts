/**
 * Imported first by run.ts, before Ink. Ink reads `CI` / `CONTINUOUS_INTEGRATION`
 * once, when it loads (the is-in-ci package), and in a CI environment it draws
 * nothing until the app exits: a UI opened on a terminal would stay blank.
 * The CLI opens the UI only when stdout is a terminal, so whoever is there
 * wants it drawn: drop the flags for this process before Ink loads.
 */
delete process.env.CI
delete process.env.CONTINUOUS_INTEGRATION
