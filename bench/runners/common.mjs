// What every runner shares: run one mode on one file, then report on the last stdout line.
//
// A runner is `node runners/<tool>.mjs <mode> <file>...`. It defines its modes as an object of small
// (async) functions of the files, `{ parse(file), analyze(file), ... }`, each returning a few numbers to check
// the work was done (node count, the root's retained size), and calls `runMode(modes)`.
// The last line it prints is JSON:
//   {"status":"ok","seconds":…,"maxRSSKiB":…,"check":{…}}     the mode ran
//   {"status":"n/a","reason":"…","maxRSSKiB":…}               the tool cannot do this mode
//   {"status":"fail","error":"…","maxRSSKiB":…}               the tool threw
// `seconds` is measured inside the process around the mode (module loading excluded); the parent
// measures wall time around the whole process. `maxRSSKiB` is process.resourceUsage().maxRSS:
// the process's peak resident set size in KiB (getrusage's ru_maxrss), read at exit.
// A crash (out of memory, abort) prints no such line: the parent reads its stderr instead.

export class NotAvailable extends Error {}

function report(result) {
  process.stdout.write('\n' + JSON.stringify({ ...result, maxRSSKiB: process.resourceUsage().maxRSS }) + '\n')
}

export async function runMode(modes) {
  const [mode, ...files] = process.argv.slice(2)
  if (!mode || files.length === 0) {
    report({ status: 'fail', error: `usage: <runner> <${Object.keys(modes).join('|')}> <file>` })
    process.exit(2)
  }
  const run = modes[mode]
  if (!run) {
    report({ status: 'n/a', reason: `no ${mode} mode` })
    return
  }
  try {
    const started = process.hrtime.bigint()
    const check = await run(...files)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    report({ status: 'ok', seconds, check })
    // Some tools leave handles open (worker ports, timers); the measurement is done.
    process.exit(0)
  } catch (error) {
    if (error instanceof NotAvailable) {
      report({ status: 'n/a', reason: error.message })
      process.exit(0)
    }
    const message = String(error?.message ?? error)
      .split('\n')[0]
      .slice(0, 300)
    report({ status: 'fail', error: `${error?.name ?? 'Error'}: ${message}` })
    process.exit(1)
  }
}
