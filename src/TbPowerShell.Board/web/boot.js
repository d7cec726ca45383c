// A classic script, run while the HTML is parsed and before any module: it sends the three requests the page needs
// first (info, runs, tags), so that their answers come while the modules load instead of after. api.js takes these
// pending responses once; every later call fetches as usual. Not in the offline report (nothing to fetch there).
//
// On the page's first look at its default view (the scalars tab, and no run or tag filter, hidden run or pinned
// card in the URL), it also asks for the preview of the first scalar card as soon as the tags are in, for all the
// tag's runs: the card would ask for just that once the modules have run. The card order is main.js's (tags
// without a '/' first, then by their prefix, each group by name); api.js hands the answer to the card that asks for
// that tag's preview with those runs, and otherwise it is not used. A browser test holds the two orders together.
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

  var TOP = '(top level)';
  var hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  var custom = ['runs', 'tags', 'hide', 'pin'].some(function (key) { return hash.getAll(key).some(function (v) { return v !== ''; }); })
    || (hash.has('tab') && hash.get('tab') !== 'scalars');
  if (custom) return;

  function prefixOf(name) {
    var i = name.indexOf('/');
    return i > 0 ? name.slice(0, i) : TOP;
  }

  function firstScalarTag(tags) {
    var first = null;
    tags.forEach(function (tag) {
      if (tag.kind !== 'scalar') return;
      if (!first) { first = tag; return; }
      var a = prefixOf(tag.name), b = prefixOf(first.name);
      var byGroup = a === b ? 0 : a === TOP ? -1 : b === TOP ? 1 : a.localeCompare(b);
      if (byGroup < 0 || (byGroup === 0 && tag.name.localeCompare(first.name) < 0)) first = tag;
    });
    return first;
  }

  pending.firstPreview = pending.tags
    .then(function (response) { return response.ok ? response.clone().json() : null; })
    .then(function (tags) {
      var first = tags && firstScalarTag(tags);
      if (!first || !first.runs.length || sessionStorage.getItem('tb-collapsed:scalar:' + prefixOf(first.name)) === '1') return null;
      // Buckets as the card asks for them: about one a pixel of a card in a row of the window, fewer for many runs.
      var perPixel = first.runs.length <= 10 ? 1 : first.runs.length <= 50 ? 2 : 3;
      var width = Math.max(200, Math.min(window.innerWidth - 300, 900));
      var points = Math.max(100, Math.min(2000, Math.round(width / perPixel)));
      var answer = fetch('/api/scalars?tag=' + first.id + '&points=' + points + '&preview=1', { credentials: 'same-origin', cache: 'no-store' })
        .then(function (response) { return response.ok ? response.json() : null; });
      answer.catch(function () { /* the card asks again */ });
      return { tag: first.id, runs: first.runs, answer: answer };
    })
    .catch(function () { return null; });
})();
