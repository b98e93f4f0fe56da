export { dashboardAssetsDir, loadDashboardAssets } from './assets.js';
export type { DashboardAsset } from './assets.js';
export { DASHBOARD_PREFIX, dashboardHref, matchDashboardRoute } from './routes.js';
export type { DashboardRoute } from './routes.js';
