// Forgiving search for the kb site. A question loses its question words ("what is a transformer"
// searches "transformer": Material searches every word as a prefix, so "a" would match everything),
// and each longer word is also looked for with one typo allowed ("transfromer" finds "transformer",
// "hallucinations" finds "hallucination"), as an extra optional clause, so exact matches still rank
// first. Material sends queries to its search worker as {type: 2, data: "..."}; this wraps the Worker
// the theme creates and rewrites only those messages. Loaded from the site, before the theme.
(function () {
  "use strict";
  var Base = window.Worker;
  if (!Base) return;
  var QUERY = 2;
  var PLAIN = /^[A-Za-z\u00C0-\u024F]{5,}$/;
  var QUESTION = {
    a: 1, an: 1, the: 1, what: 1, whats: 1, which: 1, who: 1, why: 1, when: 1, where: 1, how: 1, is: 1,
    are: 1, was: 1, were: 1, do: 1, does: 1, did: 1, can: 1, should: 1, i: 1, to: 1, of: 1, in: 1, for: 1,
    and: 1, or: 1, it: 1, its: 1, me: 1, my: 1, explain: 1, define: 1, meaning: 1
  };
  function forgive(query) {
    var words = query.trim().split(/\s+/);
    var kept = words.filter(function (word) {
      return !QUESTION.hasOwnProperty(word.toLowerCase().replace(/[?'.!,]/g, ""));
    });
    if (kept.length && kept.length < words.length) words = kept;
    words = words.map(function (word) { return word.replace(/[?!,]+$/, ""); });
    var extra = words.filter(function (word) { return PLAIN.test(word); })
      .map(function (word) { return word + "~1"; });
    return words.concat(extra).join(" ");
  }
  function KbWorker(url, options) {
    var worker = new Base(url, options);
    var post = worker.postMessage.bind(worker);
    worker.postMessage = function (message, transfer) {
      if (message && message.type === QUERY && typeof message.data === "string") {
        message = { type: message.type, data: forgive(message.data) };
      }
      return transfer === undefined ? post(message) : post(message, transfer);
    };
    return worker;
  }
  KbWorker.prototype = Base.prototype;
  window.Worker = KbWorker;
})();
