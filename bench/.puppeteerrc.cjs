// @memlab/core depends on puppeteer, whose postinstall downloads a Chrome build.
// The benchmark only reads snapshot files, so no browser is needed (and none can be fetched here).
module.exports = { skipDownload: true }
