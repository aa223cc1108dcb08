// lore: a Copy button on each code block of a document page. Progressive
// enhancement: without JavaScript the page is the same, minus the buttons.
// The page's own documents never run script; this file is lore's.
(function () {
  "use strict";
  var blocks = document.querySelectorAll(".doc-body pre");
  Array.prototype.forEach.call(blocks, function (pre) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "copy-btn";
    b.textContent = "Copy";
    b.setAttribute("aria-label", "Copy this code block");
    b.addEventListener("click", function () {
      var text = (pre.querySelector("code") || pre).innerText;
      var said = function (t) { b.textContent = t; setTimeout(function () { b.textContent = "Copy"; }, 1500); };
      var fallback = function () {
        var ta = document.createElement("textarea");
        ta.value = text;
        ta.setAttribute("readonly", "");
        ta.style.position = "absolute";
        ta.style.left = "-9999px";
        document.body.appendChild(ta);
        ta.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        document.body.removeChild(ta);
        said(ok ? "Copied" : "Select and copy");
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { said("Copied"); }, fallback);
      } else {
        fallback();
      }
    });
    pre.classList.add("has-copy");
    pre.insertBefore(b, pre.firstChild);
  });
})();
