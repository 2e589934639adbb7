// The one webpack build of every app: TypeScript through ts-loader (decorator metadata, which
// Nest's dependency injection needs, is emitted; esbuild would drop it), workspace aliases
// resolved from tsconfig.base.json, npm packages left external so that an image ships the
// bundle plus production node_modules.
const { basename, join } = require('node:path');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');
const nodeExternals = require('webpack-node-externals');

const workspaceRoot = join(__dirname, '..', '..');

module.exports = (appRoot) => ({
  target: 'node',
  mode: 'production',
  context: appRoot,
  entry: './src/main.ts',
  devtool: 'source-map',
  output: {
    // dist/apps/<app>: one flat folder per app, whatever role folder its sources are in.
    path: join(workspaceRoot, 'dist', 'apps', basename(appRoot)),
    filename: 'main.js',
    clean: true,
  },
  externalsPresets: { node: true },
  externals: [nodeExternals({ modulesDir: join(workspaceRoot, 'node_modules') })],
  resolve: {
    extensions: ['.ts', '.js'],
    plugins: [new TsconfigPathsPlugin({ configFile: join(workspaceRoot, 'tsconfig.base.json') })],
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        exclude: /node_modules/,
        options: { transpileOnly: true, configFile: join(appRoot, 'tsconfig.app.json') },
      },
    ],
  },
  // Class names are kept: Nest and class-validator report them in logs and errors.
  optimization: { minimize: false },
  performance: { hints: false },
});
