// A classic script, run while the HTML is parsed and before any module: it sends the three requests the page needs
// first (info, runs, tags), so that their answers come while the modules load instead of after. api.js takes these
// pending responses once; every later call fetches as usual. Not in the offline report (nothing to fetch there).
(function () {
  'use strict';
  if (document.getElementById('tb-report')) return;
  var pending = {};
  ['info', 'runs', 'tags'].forEach(function (name) {
    var response = fetch('/api/' + name, { credentials: 'same-origin', cache: 'no-store' });
    response.catch(function () { /* api.js reports it when it takes this response */ });
    pending[name] = response;
  });
  window.tbEarly = pending;
})();
