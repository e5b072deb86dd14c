// Portal behaviour: quick exit, autosave to the server, sign-in-again in place, one submit only.
// Nothing is ever kept in localStorage or sessionStorage: partners often share a device.
(function () {
  "use strict";

  // Quick exit: sign out on the server, blank the page, and replace it in the history,
  // so neither Back nor a reload shows the portal again.
  function quickExit(link) {
    var signOut = document.querySelector("[data-logout]");
    if (signOut && navigator.sendBeacon) {
      var data = new FormData();
      data.append("csrf_token", signOut.dataset.csrf);
      navigator.sendBeacon(signOut.dataset.logout, data);
    }
    document.body.innerHTML = "";
    document.title = "";
    window.location.replace(link.href);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    quickExit(link);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.shiftKey) {
      var link = document.querySelector("[data-quick-exit]");
      if (link) quickExit(link);
    }
  });

  // Forms marked data-track-changes (the builder's questions): saving one while another has unsaved
  // edits would lose them, so ask first.
  document.addEventListener("input", function (event) {
    var tracked = event.target.closest("form[data-track-changes]");
    if (tracked) tracked.dataset.changed = "1";
  });
  document.addEventListener("submit", function (event) {
    var others = Array.prototype.filter.call(document.querySelectorAll("form[data-changed]"),
      function (form) { return form !== event.target; });
    if (others.length && !window.confirm("Another question has changes that are not saved yet. Continue and lose them?")) {
      event.preventDefault();
    }
  }, true);

  // Buttons marked data-confirm ask before they act (cancelling homework, deactivating a counselor).
  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // A submit button marked data-once is pressed once; a second click does nothing.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-once]");
    if (!button) return;
    if (event.target.dataset.sent) { event.preventDefault(); return; }
    event.target.dataset.sent = "1";
    setTimeout(function () { button.disabled = true; }, 0);
  });

  // Text limits: a live count near the limit, and a clear word past it. Nothing is ever cut: the
  // server refuses an over-long text with a message beside the field and keeps what was typed.
  function countAgainstLimit(box) {
    var limit = parseInt(box.dataset.limit, 10), length = box.value.length;
    var note = box.parentNode.querySelector('.limit-count[data-for="' + box.id + '"]');
    if (length < limit * 0.8) { if (note) note.hidden = true; return; }
    if (!note) {
      note = document.createElement("p");
      note.className = "limit-count";
      note.dataset.for = box.id;
      note.id = box.id + "-count";
      note.setAttribute("aria-live", "polite");
      box.insertAdjacentElement("afterend", note);
      box.setAttribute("aria-describedby", ((box.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    }
    note.hidden = false;
    var over = length > limit;
    note.classList.toggle("over", over);
    note.textContent = over
      ? length.toLocaleString() + " characters: " + (length - limit).toLocaleString() + " over the limit of " +
        limit.toLocaleString() + ". Please shorten it; nothing has been cut."
      : length.toLocaleString() + " of " + limit.toLocaleString() + " characters";
  }
  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.limit) countAgainstLimit(event.target);
  });
  document.querySelectorAll("[data-limit]").forEach(function (box) { if (box.value) countAgainstLimit(box); });

  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = form.querySelector(".save-status");
  var revisionInput = form.querySelector("input[name=revision]");
  var csrfInput = form.querySelector("input[name=csrf_token]");
  var timer = null, inFlight = false, pending = false, dirty = false;
  var DELAY_MS = 2500;

  function say(text) { if (status) status.textContent = text; }

  function showErrors(errors) {
    form.querySelectorAll(".question .errors.autosave").forEach(function (node) { node.remove(); });
    Object.keys(errors || {}).forEach(function (fieldId) {
      var box = form.querySelector('.question[data-field="' + fieldId + '"]');
      if (!box) return;
      var list = document.createElement("p");
      list.className = "errors autosave";
      list.setAttribute("role", "alert");
      list.textContent = errors[fieldId].join(" ");
      box.appendChild(list);
    });
  }

  function showConflict(data) {
    Object.keys(data.theirs || {}).forEach(function (fieldId) {
      var box = form.querySelector('.question[data-field="' + fieldId + '"] .conflict');
      if (!box) return;
      box.hidden = false;
      var text = data.theirs[fieldId];
      box.textContent = "A newer version of this answer was saved (perhaps in another window):\n" +
        (typeof text === "string" ? text : "(a table)") +
        "\n\nWhat is typed here is kept too. Edit the answer as you want it, then press Save.";
    });
    revisionInput.value = data.revision;
    say(data.message);
  }

  function save() {
    if (inFlight) { pending = true; return; }
    inFlight = true; dirty = false;
    say("Saving…");
    fetch(form.dataset.autosave, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfInput.value }
    }).then(function (response) {
      return response.json().then(function (data) { return { code: response.status, data: data }; },
                                   function () { return { code: response.status, data: {} }; });
    }).then(function (result) {
      inFlight = false;
      if (result.code === 200) {
        revisionInput.value = result.data.revision;
        if (result.data.csrf_token) csrfInput.value = result.data.csrf_token;
        showErrors(result.data.errors);
        say(result.data.ok ? "Saved" : "Saved, except the answers marked below");
      } else if (result.code === 401) {
        dirty = true; askToSignIn();
      } else if (result.code === 400) {
        // The session cookie itself ended: fetch a new token for this page, then sign in again.
        dirty = true;
        fetch(form.dataset.csrf, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) { csrfInput.value = data.csrf_token; askToSignIn(); });
      } else if (result.code === 409 && result.data.error === "conflict") {
        showConflict(result.data);
      } else {
        dirty = true; say(result.data.message || "Not saved yet. Your text is still here; we will try again.");
      }
      if (submitAfterSave) {
        var submitter = submitAfterSave;
        submitAfterSave = null;
        if (submitter === true) form.requestSubmit(); else form.requestSubmit(submitter);
        return;
      }
      if (pending) { pending = false; save(); }
    }).catch(function () {
      inFlight = false; dirty = true;
      say("Not saved: no connection. Your text is still here; we will try again.");
      setTimeout(save, 10000);
    });
  }

  var submitAfterSave = null;
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {  // wait for the autosave to return its revision, then send this save
      event.preventDefault();
      submitAfterSave = event.submitter || true;
    }
  });

  function schedule() { dirty = true; clearTimeout(timer); timer = setTimeout(save, DELAY_MS); }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("focusout", function () { if (dirty) { clearTimeout(timer); save(); } });

  // Signed out while typing: ask for the password here, keep the page, then save.
  var dialog = document.getElementById("signin-dialog");
  function askToSignIn() {
    say("Please sign in again to save. Your text is still here.");
    if (dialog && !dialog.open) { dialog.showModal(); dialog.querySelector("input[type=password]").focus(); }
  }
  if (dialog) {
    dialog.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var error = dialog.querySelector(".errors");
      fetch(form.dataset.login, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfInput.value },
        body: JSON.stringify({ login: dialog.querySelector("[name=login]").value,
                               password: dialog.querySelector("[name=password]").value })
      }).then(function (response) { return response.json().then(function (data) { return { code: response.status, data: data }; }); })
        .then(function (result) {
          if (result.code === 200 && result.data.ok) {
            csrfInput.value = result.data.csrf_token;
            form.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = result.data.csrf_token; });
            dialog.querySelector("[name=password]").value = "";
            dialog.close();
            save();
          } else {
            error.hidden = false;
            error.textContent = result.data.message || "That didn't work. Please try again.";
          }
        });
    });
  }
})();
