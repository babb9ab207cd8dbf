// The built node and credential classes, for scripts (benchmarks, load-time checks).
// Not shipped: n8n finds them through the "n8n" section of package.json.
const { OkDokument } = require('./dist/nodes/OkDokument/OkDokument.node');
const { OkDokumentApi } = require('./dist/credentials/OkDokumentApi.credentials');

module.exports = { OkDokument, OkDokumentApi };
