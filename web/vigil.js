// The status page: fills in readiness, version, reload state and the config.
async function text(path) {
  const r = await fetch(path);
  return { status: r.status, body: await r.text() };
}

function show(id, value, ok) {
  const el = document.getElementById(id);
  el.textContent = value;
  if (ok !== undefined) el.className = ok ? 'good' : 'bad';
}

async function refresh() {
  const ready = await text('/-/ready');
  show('ready', ready.status === 200 ? 'yes' : 'no (' + ready.status + ')', ready.status === 200);
  const build = JSON.parse((await text('/api/v1/status/buildinfo')).body).data;
  show('version', build.version + ' (' + build.revision + ')');
  const metrics = (await text('/metrics')).body;
  const ok = /^vigil_config_last_reload_successful (\S+)$/m.exec(metrics);
  const when = /^vigil_config_last_reload_success_timestamp_seconds (\S+)$/m.exec(metrics);
  const at = when ? new Date(parseFloat(when[1]) * 1000).toISOString() : '?';
  show('reload', ok && ok[1] === '1' ? 'successful, at ' + at : 'FAILED (last good at ' + at + ')',
       ok && ok[1] === '1');
  const config = JSON.parse((await text('/api/v1/status/config')).body).data;
  show('config', config.yaml);
}

refresh().catch(err => show('ready', 'error: ' + err, false));
