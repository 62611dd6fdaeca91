/** esbuild bundles the stylesheet next to app.js. */
declare module "*.css";
