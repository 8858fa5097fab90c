import { quickModeTests } from './quick-mode.ts';

// The drills and benches that start a whole local cloud, one after another (drills/quick-mode.ts).
quickModeTests('cloud');
