module.exports = require('../../tools/build/webpack.app.js')(__dirname);
