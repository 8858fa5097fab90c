/** The Chromium the browser drills and tests drive with playwright-core: Debian's, which set-up installs. */
export const chromiumPath = process.env.HOLDLINE_CHROMIUM ?? '/usr/bin/chromium';
