// Portal behaviour: quick exit, autosave to the server, sign-in-again in place, one submit only.
// Nothing is ever kept in localStorage or sessionStorage: partners often share a device.
(function () {
  "use strict";

  // Quick exit: sign out on the server, blank the page, and replace it in the history, so neither
  // Back nor a reload shows the portal again. Unsaved typing goes with the sign-out in one request
  // that outlives the page; nothing here waits for it.
  var leaveWithUnsavedTyping = null;  // set by the answer form below
  function quickExit(link) {
    var signOut = document.querySelector("[data-logout]");
    if (!(leaveWithUnsavedTyping && leaveWithUnsavedTyping()) && signOut && navigator.sendBeacon) {
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
  // A form re-sent after the session check below (sessionChecked) was asked already: never twice.
  document.addEventListener("submit", function (event) {
    if (event.target.dataset.sessionChecked) return;
    var others = Array.prototype.filter.call(document.querySelectorAll("form[data-changed]"),
      function (form) { return form !== event.target; });
    if (others.length && !window.confirm("Another question has changes that are not saved yet. Continue and lose them?")) {
      event.preventDefault();
    }
  }, true);

  // Buttons marked data-confirm ask before they act (cancelling homework, deactivating a counselor).
  document.addEventListener("submit", function (event) {
    if (event.target.dataset.sessionChecked) return;
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // A form posts once: a double click, or a second press while the first is on its way, would
  // schedule the session twice, assign the homework (and its emails) twice, add the topic twice.
  // Its buttons rest while it goes. A post that leaves the page where it is (a file to download)
  // may be sent again after a pause; a page shown again from the back-forward cache starts afresh.
  var RESEND_AFTER_MS = 8000;
  function submitButtons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }
  function readyAgain(form) {  // only the buttons this rest disabled: others were disabled on purpose
    delete form.dataset.sent;
    form.querySelectorAll("[data-rested]").forEach(function (button) {
      button.disabled = false;
      delete button.dataset.rested;
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method !== "post") return;  // "Cancel" to a question sent nothing
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    // Disabled after the browser has read the pressed button's name and value into the post.
    setTimeout(function () {
      submitButtons(form).forEach(function (button) {
        if (!button.disabled) { button.disabled = true; button.dataset.rested = "1"; }
      });
    }, 0);
    setTimeout(function () { readyAgain(form); }, RESEND_AFTER_MS);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-sent]").forEach(readyAgain);
  });

  // An option that stands alone ("None of these") unticks the others in its question, and they it.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked || !box.name) return;
    var group = document.querySelectorAll('input[type=checkbox][name="' + box.name + '"]');
    var alone = box.hasAttribute("data-alone");
    if (!alone && !document.querySelector('input[type=checkbox][name="' + box.name + '"][data-alone]')) return;
    group.forEach(function (other) {
      if (other !== box && other.checked && (alone || other.hasAttribute("data-alone"))) {
        other.checked = false;
        other.dispatchEvent(new Event("change", { bubbles: true }));  // autosave and show_if see it
      }
    });
  });

  // Sign in again, in place. Any page of a signed-in person has the dialog; after an idle sign-out it
  // asks for the password without leaving the page, so nothing typed is lost. Only the page's owner
  // is accepted: anyone else is told to sign out first, and nothing is sent.
  var dialog = document.getElementById("signin-dialog");
  var afterSignIn = [];

  function allCsrfInputs() { return document.querySelectorAll("input[name=csrf_token]"); }
  function setCsrf(token) {
    allCsrfInputs().forEach(function (input) { input.value = token; });
    var signOut = document.querySelector("[data-logout]");
    if (signOut) signOut.dataset.csrf = token;
  }
  function freshCsrf() {  // the session cookie may be gone with the old token: ask for one first
    return fetch(dialog.dataset.csrf, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); }).then(function (data) { setCsrf(data.csrf_token); return data.csrf_token; });
  }
  // `why`: the server's reason for a sign-out ("ended_elsewhere": a new password or "sign out everywhere";
  // "account_closed": the practice deactivated the account, so signing in again can't work); anything
  // else reads as the quiet spell it nearly always is. Once told a reason, a later 401 (the session is
  // gone by then, so it says only "signed_out") keeps the words.
  var toldWhy = "idle";
  function askToSignIn(then, why) {
    if (!dialog) return;
    if (then) afterSignIn.push(then);
    if (why === "ended_elsewhere" || why === "account_closed") toldWhy = why;
    else if (!dialog.open) toldWhy = "idle";
    dialog.querySelectorAll("[data-why]").forEach(function (words) { words.hidden = words.dataset.why !== toldWhy; });
    var closed = toldWhy === "account_closed";
    dialog.querySelector("#signin-title").textContent = closed ? "You have been signed out" : "Please sign in again";
    dialog.querySelectorAll("[data-sign-in-part]").forEach(function (part) { part.hidden = closed; });
    if (toldWhy !== "idle") showSignOut();
    if (!dialog.open) {
      dialog.showModal();
      (closed ? someoneElse.querySelector("button") : dialog.querySelector("input[type=password]")).focus();
    }
  }
  function showSignOut() {
    someoneElse.hidden = false;
    someoneElse.querySelector("input[name=csrf_token]").value = allCsrfInputs()[0].value;
  }
  function reasonOf(response) {  // the reason a 401 gives, if it is JSON
    return response.json().then(function (data) { return data.reason; }, function () { return undefined; });
  }
  if (dialog) {
    // While the page is veiled, the dialog is the only way back: Escape (or a phone's back gesture)
    // closed it and left a blank page whose only way out was a reload, losing what was typed. A dialog
    // over a page still shown may close: its text can be read, and the next save asks again.
    dialog.addEventListener("cancel", function (event) {
      if (document.body.classList.contains("veiled")) event.preventDefault();
    });
    dialog.addEventListener("close", function () {
      if (document.body.classList.contains("veiled")) dialog.showModal();
    });
    var signInForm = dialog.querySelector("form.signin-again");
    var someoneElse = dialog.querySelector("form.signin-someone-else");
    signInForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = dialog.querySelector(".errors");
      freshCsrf().then(function (token) {
        return fetch(dialog.dataset.login, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ login: dialog.querySelector("[name=login]").value,
                                 password: dialog.querySelector("[name=password]").value,
                                 code: dialog.querySelector("[name=code]").value,
                                 owner: dialog.dataset.owner })
        });
      }).then(function (response) { return response.json().then(function (data) { return { code: response.status, data: data }; }); })
        .then(function (result) {
          if (result.data.error !== "code_needed") dialog.querySelector("[name=password]").value = "";
          dialog.querySelector("[name=code]").value = "";
          if (result.code === 200 && result.data.ok) {
            setCsrf(result.data.csrf_token);
            error.hidden = true;
            document.body.classList.remove("veiled");
            armIdleVeil();
            dialog.close();
            var waiting = afterSignIn; afterSignIn = [];
            waiting.forEach(function (then) { then(); });
            return;
          }
          error.hidden = false;
          error.textContent = result.data.message || "That didn't work. Please try again.";
          if (result.data.error === "code_needed") {  // two-factor sign-in: ask for the app's code too
            dialog.querySelector(".code-row").hidden = false;
            dialog.querySelector("[name=code]").focus();
          }
          if (result.data.error === "someone_else" || result.data.error === "account_closed") showSignOut();
        }).catch(function () {
          error.hidden = false;
          error.textContent = "No connection. What you typed is still here; please try again in a moment.";
        });
    });
  }

  // When the server's idle limit has passed since the page last heard from it, the page veils what
  // it shows (a shared phone left on the table must not go on showing answers) and asks for the
  // password; signing in again lifts the veil. Typing alone does not keep a session alive: only a
  // save does, and every save re-arms this.
  var idleTimer = null;
  function armIdleVeil() {
    var seconds = parseInt(document.body.dataset.idle || "0", 10);
    if (!dialog || !seconds) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      document.body.classList.add("veiled");
      askToSignIn(function () { document.body.classList.remove("veiled"); armIdleVeil(); });
    }, seconds * 1000 + 1000);
  }
  armIdleVeil();

  // Before a form is sent, make sure the session is still alive: a counselor's review comment or a
  // builder edit typed through an idle sign-out must not be lost on the way to the sign-in page.
  document.addEventListener("submit", function (event) {
    var target = event.target;
    // Cancelled by an earlier listener ("Archive …?" answered Cancel, unsaved changes kept): nothing
    // to check and nothing to send. Re-sending here would skip the question and do what was refused.
    if (event.defaultPrevented) return;
    if (!dialog || target.method !== "post" || target.hasAttribute("data-no-session-check") ||
        target.dataset.sessionChecked) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter;
    function send() {
      target.dataset.sessionChecked = "1";
      if (submitter) target.requestSubmit(submitter); else target.requestSubmit();
      delete target.dataset.sessionChecked;
    }
    fetch(dialog.dataset.alive, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 200) send(); else reasonOf(response).then(function (why) { askToSignIn(send, why); });
      })
      .catch(function () { send(); });  // no answer at all: let the browser try, and show what it gets
  }, true);

  // Land where the work is: on a refused field (its message is beside it), or on the question just
  // added in the builder (#field-…), ready to type.
  var landing = document.querySelector("[aria-invalid=true]") ||
    (location.hash.indexOf("#field-") === 0 && document.querySelector(location.hash + " input:not([type=hidden]), " +
                                                                      location.hash + " textarea"));
  if (landing) { landing.focus(); if (landing.select && location.hash) landing.select(); }

  // Text limits: a live count near the limit, and a clear word past it. Nothing is ever cut: the
  // server refuses an over-long text with a message beside the field and keeps what was typed.
  // Characters as the server counts them: an emoji is one, though JavaScript's length says two (its
  // second half, a low surrogate, is not counted). A line break is one on both sides.
  function charactersIn(text) {
    var count = text.length;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code >= 0xDC00 && code <= 0xDFFF) count--;
    }
    return count;
  }

  function countAgainstLimit(box) {
    var limit = parseInt(box.dataset.limit, 10), length = charactersIn(box.value);
    var note = box.parentNode.querySelector('.limit-count[data-for="' + box.id + '"]');
    if (length < limit * 0.8) { if (note) note.hidden = true; box.removeAttribute("aria-invalid"); return; }
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
    if (over) box.setAttribute("aria-invalid", "true"); else box.removeAttribute("aria-invalid");
    note.textContent = over
      ? length.toLocaleString() + " characters: " + (length - limit).toLocaleString() + " over the limit of " +
        limit.toLocaleString() + ". Please shorten it; nothing has been cut."
      : length.toLocaleString() + " of " + limit.toLocaleString() + " characters";
  }
  // The page may come with a message about a text's length (from the server, after a reload or a
  // refused post): it stands alone until the person types, and then the live count speaks instead. Both
  // at once said the same thing twice, in two ways, with two different numbers once typing began.
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!(box.dataset && box.dataset.limit)) return;
    // A table's cell has its own message: the rest of the table keeps theirs.
    clearFieldMessage(box.closest(".row-entry") || box.closest(".has-error") || box.parentNode, box.id + "-error");
    countAgainstLimit(box);
  });
  document.querySelectorAll("[data-limit]").forEach(function (box) {
    if (box.value && !document.getElementById(box.id + "-error")) countAgainstLimit(box);
  });

  // A field's message from the page goes: the note, the field's red mark, and what pointed at the note.
  function clearFieldMessage(container, errorId) {
    var node = document.getElementById(errorId);
    if (node && container.contains(node)) node.remove();
    container.classList.remove("has-error");
    container.querySelectorAll('[aria-invalid="true"]').forEach(function (input) { input.removeAttribute("aria-invalid"); });
    container.querySelectorAll("[aria-describedby]").forEach(function (input) {
      input.setAttribute("aria-describedby", input.getAttribute("aria-describedby").split(" ")
        .filter(function (id) { return id !== errorId; }).join(" "));
    });
  }

  // Tables of rows: "Add a row" copies the last row, empty, with the next row's number in its names
  // (what WTForms reads back), up to the table's most. Only two blank rows came with the page, and
  // nothing said how to get a third.
  document.querySelectorAll(".rows[data-max-rows]").forEach(function (table) {
    var hint = table.parentNode.querySelector(".rows-more");
    if (!hint) return;
    var most = parseInt(table.dataset.maxRows, 10);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "add-row";
    button.textContent = "Add a row";
    hint.replaceWith(button);
    button.addEventListener("click", function () {
      var rows = table.querySelectorAll(".row-entry"), index = rows.length;
      var copy = rows[index - 1].cloneNode(true);
      copy.querySelectorAll(".errors, [role=alert], .limit-count").forEach(function (node) { node.remove(); });
      copy.querySelectorAll("[id], [name], [for]").forEach(function (node) {
        ["id", "name", "for"].forEach(function (attribute) {
          var value = node.getAttribute(attribute);
          if (value) node.setAttribute(attribute, value.replace(/-\d+-(?=[^-]*$)/, "-" + index + "-"));
        });
        if (node.matches("input, textarea")) {
          node.value = "";
          node.textContent = "";  // a text area's own text, and an input's written value: none of the last row's words
          ["value", "aria-invalid", "aria-describedby"].forEach(function (name) { node.removeAttribute(name); });
        }
      });
      copy.querySelector(".row-number").textContent = "Row " + (index + 1);
      table.appendChild(copy);
      copy.querySelector("input, textarea").focus();
      button.hidden = index + 1 >= most;
    });
  });

  // Questions that follow from an earlier answer in the same part (show_if): shown as soon as the
  // answer matches. Without JavaScript they show with a hint, and the next part follows the answers.
  function chosenValues(name) {
    return Array.prototype.map.call(
      document.querySelectorAll('[name="' + name + '"]:checked, select[name="' + name + '"]'),
      function (input) { return input.value; });
  }
  function conditionMet(rule) {
    // Several conditions: {any: [...]} shows the question when one is met, {all: [...]} when every one is.
    if (rule.any) return rule.any.some(conditionMet);
    if (rule.all) return rule.all.every(conditionMet);
    var chosen = chosenValues("a__" + rule.question);
    if (!chosen.length) return false;
    if (rule.equals !== undefined) return chosen.indexOf(String(rule.equals)) >= 0;
    if (rule.one_of) return rule.one_of.some(function (value) { return chosen.indexOf(value) >= 0; });
    var number = parseInt(chosen[0], 10);
    if (isNaN(number)) return false;
    return rule.at_least !== undefined ? number >= rule.at_least : number <= rule.at_most;
  }
  function applyConditions() {
    document.querySelectorAll(".question[data-show-if]").forEach(function (box) {
      var hint = box.querySelector(".show-if-hint");
      if (hint) hint.hidden = true;
      box.hidden = !conditionMet(JSON.parse(box.dataset.showIf));
    });
  }
  if (document.querySelector(".question[data-show-if]")) {
    applyConditions();
    document.addEventListener("change", applyConditions);
  }

  // An answer about self-harm: crisis resources and quick exit appear at once, beside the question.
  var crisisPanel = document.querySelector("[data-crisis-panel]");
  function showCrisisIfNeeded() {
    document.querySelectorAll(".question[data-crisis-values]").forEach(function (box) {
      var values = JSON.parse(box.dataset.crisisValues);
      var chosen = chosenValues("a__" + box.dataset.field);
      var state = chosenValues("s__" + box.dataset.field);
      if (state.length && state[0] !== "answer") return;
      if (chosen.some(function (value) { return values.indexOf(value) >= 0; }) && crisisPanel.hidden) {
        box.insertAdjacentElement("afterend", crisisPanel);  // on screen, beside the answer just chosen
        crisisPanel.hidden = false;
        crisisPanel.setAttribute("role", "alert");
      }
    });
  }
  if (crisisPanel && document.querySelector(".question[data-crisis-values]")) {
    document.addEventListener("change", showCrisisIfNeeded);
  }

  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  // Opened without a part (from My homework: where the partner stopped), the address names the part
  // shown, so that a reload stays on it: answering its last question moves "where they stopped" on,
  // and the reload would otherwise open the next part, scrolled down, as if the answer were gone.
  var address = new URLSearchParams(location.search);
  if (!address.has("section")) {
    address.set("section", form.dataset.section);
    history.replaceState(history.state, "", location.pathname + "?" + address.toString() + location.hash);
  }
  var status = form.querySelector(".save-status");
  var revisionInput = form.querySelector("input[name=revision]");
  var csrfInput = form.querySelector("input[name=csrf_token]");
  form.setAttribute("data-no-session-check", "");  // its own path: autosave, 401, sign in, save
  var timer = null, inFlight = false, pending = false, dirty = false;
  var DELAY_MS = 2500;
  // This page's name and the number of its saves so far. The server writes a later save of the same
  // page even if an earlier one is still on its way, and ignores an earlier one that arrives late
  // (services/page_saves.py): a reload can send the leaving save while an autosave is in flight.
  var pageId = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(8)),
                                        function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  var savesSent = 0;
  // After a conflict, the newer answer is shown beside this page's and nothing is sent over it until
  // the person presses Save (which then goes on the newer revision): autosave waits.
  var conflictRevision = null;
  function numbered() {
    var body = new FormData(form);
    savesSent += 1;
    markedAt = 0;  // typing from now on is carried by the next save: the marker must name that one
    body.append("page", pageId);
    body.append("page_save", String(savesSent));
    return body;
  }

  function say(text) { if (status) status.textContent = text; }

  // A message the page came with (an answer kept too long, say) goes once a save finds the answer fine.
  function clearPageError(box) { clearFieldMessage(box, "a__" + box.dataset.field + "-error"); }

  function showErrors(errors) {
    form.querySelectorAll(".question .errors.autosave").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".question[data-field]").forEach(function (box) {
      if (!(errors && errors[box.dataset.field])) clearPageError(box);
    });
    Object.keys(errors || {}).forEach(function (fieldId) {
      var box = form.querySelector('.question[data-field="' + fieldId + '"]');
      if (!box || box.querySelector(".limit-count.over:not([hidden])")) return;  // the live count says it
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
    conflictRevision = data.revision;  // for the person's own Save; autosave keeps the page's revision
    say(data.message);
  }

  function save() {
    if (conflictRevision !== null) { say("Both versions are shown. Edit the answer as you want it, then press Save."); return; }
    if (inFlight) { pending = true; return; }
    inFlight = true; dirty = false;
    say("Saving…");
    fetch(form.dataset.autosave, {
      method: "POST", body: numbered(), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfInput.value }
    }).then(function (response) {
      return response.json().then(function (data) { return { code: response.status, data: data }; },
                                   function () { return { code: response.status, data: {} }; });
    }).then(function (result) {
      inFlight = false;
      if (result.code === 200) {
        armIdleVeil();
        revisionInput.value = result.data.revision;
        // Once the leaving save is on its way the marker names it: a second reload must still wait.
        if (sentAsLeaving) { /* keep it */ } else if (dirty) { markedAt = 0; markUnsaved(); } else { clearMarker(); }
        if (result.data.csrf_token) csrfInput.value = result.data.csrf_token;
        showErrors(result.data.errors);
        say(result.data.ok ? "Saved" : "Saved. Please look at the answers marked below.");
      } else if (result.code === 401 || result.code === 400) {
        // Signed out (401), or the session cookie itself ended with its token (400): sign in, then save.
        dirty = true;
        say("Please sign in again to save. Your text is still here.");
        askToSignIn(save, result.data.reason);
      } else if (result.code === 409 && result.data.error === "conflict") {
        showConflict(result.data);
        submitAfterSave = null;  // a Save or Review pressed meanwhile waits for the person to see both
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
      inFlight = false;
      if (sentAsLeaving) return;  // cut off as the page left: the leaving save carries everything
      dirty = true;
      say("Not saved: no connection. Your text is still here; we will try again.");
      setTimeout(save, 10000);
    });
  }

  var submitAfterSave = null;
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (conflictRevision !== null && !inFlight) revisionInput.value = conflictRevision;  // the person chose
    if (inFlight) {  // wait for the autosave to return its revision, then send this save
      event.preventDefault();
      submitAfterSave = event.submitter || true;
    }
  });

  function schedule() { dirty = true; sentAsLeaving = false; markUnsaved(); clearTimeout(timer); timer = setTimeout(save, DELAY_MS); }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("focusout", function () { if (dirty) { clearTimeout(timer); save(); } });

  // Leaving the page (reload, Back, closing the tab) within seconds of typing: send what is not saved
  // yet in a request that outlives the page. A marker cookie (no content: the exercise and revision)
  // tells the page that loads next to wait a moment for that save before it shows the answers.
  // A save still on its way when the page unloads may be cancelled with it: send it again to be sure
  // (the same words twice merge; they are never a conflict).
  // The marker is written as soon as there is typing not yet saved, and kept fresh while it lasts:
  // written only as the page unloads, it could lose the race with the reload's own request on a busy
  // device (the browser sends the cookies it already has), and the next page would not wait.
  function unsaved() { return dirty || inFlight; }
  var MARKER = "ta_unload_save=";
  var markedAt = 0;
  function writeMarker(saveNumber) {  // the number of the save that carries the typing so far
    document.cookie = MARKER + form.dataset.assignment + ":" + revisionInput.value + ":" + pageId + ":" +
      saveNumber + "; path=/; max-age=10; samesite=lax";
  }
  function markUnsaved() {
    if (Date.now() - markedAt < 2000) return;
    markedAt = Date.now();
    writeMarker(savesSent + 1);
  }
  function clearMarker() { markedAt = 0; document.cookie = MARKER + "; path=/; max-age=0; samesite=lax"; }
  // Once per leaving: a reload fires beforeunload and pagehide both, and with an autosave in flight
  // both would send. The second save would carry nothing new, and two long answers can pass the
  // 64 KB keepalive allows together: the browser would drop the second, which the marker names.
  var sentAsLeaving = false;
  function sendAsLeaving(extra) {
    clearTimeout(timer);
    dirty = false;
    sentAsLeaving = true;
    var url = form.dataset.autosave + (form.dataset.autosave.indexOf("?") < 0 ? "?" : "&") + "beacon=1" + (extra || "");
    var body = numbered();
    writeMarker(savesSent);
    // keepalive carries up to 64 KB, a long answer or two; past that the browser refuses it, and the
    // text typed since the last autosave (2.5 s at most) can't outlive the page.
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true,
                 headers: { "Accept": "application/json" } }).catch(function () {});
  }
  function leavingUnsaved() { return unsaved() && !sentAsLeaving; }
  window.addEventListener("beforeunload", function () { if (leavingUnsaved()) sendAsLeaving(); });
  window.addEventListener("pagehide", function () { if (leavingUnsaved()) sendAsLeaving(); });
  window.addEventListener("pageshow", function () { sentAsLeaving = false; });  // back from the cache
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && leavingUnsaved() && !inFlight) { clearTimeout(timer); save(); }
  });
  // A keepalive request carries 64 KB at most; past that the browser refuses it, and with it the
  // sign-out it carries. Quick exit must sign out whatever was typed: a longer text goes without its
  // last seconds (the autosave has the rest), and the plain sign-out goes instead.
  function fitsOneLeavingSave() {
    var bytes = 0;
    new FormData(form).forEach(function (value) { if (typeof value === "string") bytes += new Blob([value]).size; });
    return bytes < 60000;
  }
  leaveWithUnsavedTyping = function () {
    if (!leavingUnsaved() || !fitsOneLeavingSave()) return false;
    sendAsLeaving("&sign_out=1");
    return true;
  };
})();
