/* Jixiao: editing the official tables as in a spreadsheet, Markdown drafts and toasts.
   Event-delegated, no inline handlers; htmx makes every request (templates/cells/_cell.html).

   Every editable cell carries its editor in a <template class="editor-template">, so an editor
   opens at once in the browser and no key typed meanwhile is lost. Keys on a selected cell:
   arrows, Home/End and Ctrl+arrows move (the merged 一级/二级 cells included); Enter or a click
   opens the editor with the value selected, F2 with the caret at its end; a character (or an
   input method's composition) replaces the value; Delete/Backspace clears it; Ctrl+Z / Ctrl+Y
   undo and redo one's own last change (server-backed). In an editor: Enter saves and moves down
   (Ctrl+Enter in multi-line cells), Tab saves and moves right (Shift: up, left); Esc restores the
   old value without a request (the narrative asks first when its text changed). Only one editor
   is open at a time: clicking another cell saves it. An Enter that confirms a Chinese IME
   composition is the IME's, never a save. A cell that will not open says why (data-locked); a
   link to #cell-… (the checks page's) opens that cell. */
(function () {
  "use strict";

  var CELL = "[data-cell]";
  var EDITOR = "[data-editor]";
  var displays = {}; // editor id → the display element it replaced (Esc puts it back)
  var openId = null; // the id of the editor last opened
  var focusField = null; // the id of the cell to select when a Delete's answer comes
  var focusAfterSwap = null; // element id whose cell gets the focus back
  var typedField = null; // the field an Enter or Tab left, for a refused save to return to

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  /* A chooser that carries only its own value (用户管理's department of a user, a project's row
     menu's 移到) is filled from the list its page holds once (the select named by
     data-options-from, options or optgroups), when first used: before it opens (mousedown) or
     takes keys (focus), or when the row menu holding it opens. */
  function fill(chooser) {
    if (chooser.hasAttribute("data-filled")) return;
    var source = document.getElementById(chooser.getAttribute("data-options-from"));
    if (!source) return;
    var value = chooser.value;
    chooser.setAttribute("data-filled", "");
    while (chooser.firstChild) chooser.removeChild(chooser.firstChild);
    each(source.children, function (child) {
      var copy = child.cloneNode(true);
      each(copy.matches("option") ? [copy] : copy.querySelectorAll("option"), function (option) {
        option.removeAttribute("selected");
      });
      chooser.appendChild(copy);
    });
    chooser.value = value;
    if (chooser.selectedIndex < 0) chooser.selectedIndex = 0; // as a list without it would show
  }
  function fillChooser(event) {
    var chooser = event.target.closest && event.target.closest("select[data-options-from]");
    if (chooser) fill(chooser);
  }
  document.addEventListener("mousedown", fillChooser, true);
  document.addEventListener("focusin", fillChooser);
  document.addEventListener(
    "toggle",
    function (event) {
      var menu = event.target;
      if (!menu.matches || !menu.matches("details.row-menu") || !menu.open) return;
      each(menu.querySelectorAll("select[data-options-from]"), fill);
    },
    true
  );

  /* Opening and closing editors. */

  function hostOf(element) {
    return element.closest("[data-editable], .cell-markdown");
  }

  function templateOf(host) {
    for (var i = 0; i < host.children.length; i++) {
      if (host.children[i].matches("template.editor-template")) return host.children[i];
    }
    return null;
  }

  function inputsOf(editor) {
    return Array.prototype.slice.call(editor.querySelectorAll("input[type=text], textarea"));
  }

  function formOf(editor, element) {
    return (element && element.form) || editor.querySelector("form");
  }

  function openEditorElement() {
    var editor = openId && document.getElementById(openId);
    return editor && editor.matches(EDITOR) ? editor : null;
  }

  /* Whether an editor holds anything to save: an editor the server sent back (refused, or
     the other person's value) always does. */
  function changed(editor) {
    if (!editor.hasAttribute("data-opened")) return true;
    return inputsOf(editor).some(function (input) {
      return input.value !== input.defaultValue;
    });
  }

  /* Open the editor of `element` (a cell, or a section's 编辑 button). `how`: "select" (the
     value selected, typing replaces it), "end" (the caret after it), or {text} (replace it by
     what was typed). Answers the field that has the keyboard. */
  function openEditor(element, how) {
    var host = hostOf(element);
    if (!host || !(host.hasAttribute("data-editable") || host.querySelector("[data-open-editor]"))) {
      sayLocked(element);
      return null;
    }
    var field = element.dataset.field || null;
    var other = openEditorElement();
    if (other && other !== host) closeEditor(other, true);
    var source = templateOf(host);
    if (!source) {
      // A page without the template (an older fragment): ask the server, as before.
      typedField = field;
      htmx.ajax("GET", host.dataset.editUrl || element.dataset.editUrl, { target: host, swap: "outerHTML" });
      return null;
    }
    var editor = source.content.firstElementChild.cloneNode(true);
    editor.setAttribute("data-opened", "");
    host.replaceWith(editor);
    displays[editor.id] = host;
    openId = editor.id;
    htmx.process(editor);
    restoreDraft(editor);
    var input = (field && editor.querySelector('[name="' + field + '"]')) || inputsOf(editor)[0];
    if (!input) return null;
    input.focus();
    if (how && typeof how === "object") {
      input.value = how.text;
      input.setSelectionRange(input.value.length, input.value.length);
    } else if (how === "end" || editor.querySelector("form[data-draft-key]")) {
      // A narrative is written, not replaced: a selected whole would go at the first key.
      input.setSelectionRange(input.value.length, input.value.length);
      input.scrollTop = input.scrollHeight;
    } else {
      input.select(); // a cell, as in a spreadsheet: typing replaces the value
    }
    noticeChanged(editor, displays[editor.id]);
    presence(editor.id);
    return input;
  }

  /* Close an editor: save it when `save` and it holds a change, else put the display back.
     Answers whether a save is on its way. */
  function closeEditor(editor, save) {
    if (save && changed(editor)) {
      submit(formOf(editor));
      return true;
    }
    restore(editor);
    return false;
  }

  function restore(editor) {
    var form = formOf(editor);
    if (form && form.dataset.draftKey) localStorage.removeItem(form.dataset.draftKey);
    var display = displays[editor.id];
    if (openId === editor.id) openId = null;
    presence("");
    if (!display || editor.querySelector(".conflict")) {
      // The stored value may have changed (a conflict): ask the server for it.
      delete displays[editor.id];
      focusAfterSwap = editor.id;
      htmx.ajax("GET", form.dataset.cancelUrl, { target: editor, swap: "outerHTML" });
      return null;
    }
    delete displays[editor.id];
    editor.replaceWith(display);
    return display;
  }

  /* Esc: back to the stored value, the cell selected; the narrative asks first when its text
     changed (in the page: a dialog would stop everything). */
  function cancel(editor, input) {
    var form = formOf(editor);
    var cellName = input ? input.name : null;
    if (form.dataset.draftKey && changed(editor) && editor.hasAttribute("data-opened")) {
      askToDiscard(editor);
      return;
    }
    var display = restore(editor);
    if (display) selectIn(display, cellName);
  }

  function askToDiscard(editor) {
    if (editor.querySelector(".discard-bar")) {
      editor.querySelector(".discard-bar [data-discard]").focus();
      return;
    }
    var bar = document.createElement("div");
    bar.className = "discard-bar";
    bar.setAttribute("role", "alertdialog");
    var text = document.createElement("span");
    text.textContent = "放弃未保存的修改？";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = "放弃修改";
    discard.setAttribute("data-discard", "");
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = "继续编辑";
    keep.setAttribute("data-keep-editing", "");
    bar.append(text, discard, keep);
    formOf(editor).prepend(bar);
    keep.focus();
  }

  function selectIn(element, field) {
    var cell = (field && element.querySelector('[data-field="' + field + '"]')) ||
      (element.matches(CELL) ? element : element.querySelector(CELL + ", .edit-button"));
    if (cell) select(cell);
  }

  function submit(form) {
    if (form.requestSubmit) form.requestSubmit();
    else htmx.trigger(form, "submit");
  }

  /* Why a cell will not open (the plan is submitted or approved, or the reader may not edit
     it), said beside the cell for a few seconds instead of nothing happening. */
  function sayLocked(cell) {
    var host = cell.closest("[data-locked]");
    if (!host) return;
    var old = document.querySelector(".locked-note");
    if (old) old.remove();
    var note = document.createElement("span");
    note.className = "locked-note";
    note.setAttribute("role", "status");
    note.textContent = host.dataset.locked;
    cell.appendChild(note);
    setTimeout(function () {
      note.remove();
    }, 4000);
  }

  /* Leaving the page with typed text unsaved asks first (a narrative's is kept as a draft). */
  window.addEventListener("beforeunload", function (event) {
    var unsaved = Array.prototype.some.call(document.querySelectorAll(EDITOR), function (editor) {
      var form = formOf(editor);
      return changed(editor) && !form.dataset.draftKey && !form.classList.contains("htmx-request");
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* The sheet: every table of the official form as one grid of rows and columns, merged cells
     spread over every slot they cover. */
  var STOP = "td[data-cell], th.level1, th.level2, td.editing";

  function grid() {
    var rows = [];
    each(document.querySelectorAll("table.perf-form"), function (table) {
      var base = rows.length;
      each(table.querySelectorAll(":scope > tbody > tr"), function (tr, r) {
        rows[base + r] = rows[base + r] || [];
        var col = 0;
        each(tr.children, function (element) {
          if (!element.matches("td, th")) return;
          while (rows[base + r][col]) col++;
          for (var i = 0; i < element.rowSpan; i++) {
            var row = (rows[base + r + i] = rows[base + r + i] || []);
            for (var j = 0; j < element.colSpan; j++) row[col + j] = element;
          }
          col += element.colSpan;
        });
      });
    });
    return rows;
  }

  function placeOf(rows, element) {
    var first = null;
    var last = null;
    rows.forEach(function (row, r) {
      row.forEach(function (slot, c) {
        if (slot !== element) return;
        if (!first) first = { r: r, c: c };
        last = { r: r, c: c };
      });
    });
    return first && { top: first.r, left: first.c, bottom: last.r, right: last.c };
  }

  function stops(slot) {
    return slot && slot.matches(STOP) && slot.getClientRects().length > 0;
  }

  /* The cell `key` leads to from `element` (a cell, a merged th, or an editor's td). */
  function target(element, key, far) {
    var rows = grid();
    var at = placeOf(rows, element);
    if (!at) return null;
    var dr = { ArrowUp: -1, ArrowDown: 1 }[key] || 0;
    var dc = { ArrowLeft: -1, ArrowRight: 1 }[key] || 0;
    var r = dr > 0 ? at.bottom : at.top;
    var c = dc > 0 ? at.right : at.left;
    if (key === "Home" || key === "End") {
      var row = rows[at.top];
      var found = null;
      row.forEach(function (slot) {
        if (stops(slot) && (key === "End" || !found)) found = slot;
      });
      return found;
    }
    var best = null;
    for (r += dr, c += dc; r >= 0 && r < rows.length && c >= 0 && c < 7; r += dr, c += dc) {
      var slot = rows[r] && rows[r][c];
      if (slot === element || !stops(slot)) continue;
      best = slot;
      if (!far) break;
    }
    return best;
  }

  function select(element) {
    if (!element) return;
    if (!element.hasAttribute("tabindex")) element.tabIndex = -1; // the merged th
    element.focus();
    element.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function cellOf(element) {
    return element.closest(CELL + ", th.level1, th.level2");
  }

  /* Keys on a selected cell. */
  function onSelected(event, cell) {
    var key = event.key;
    var command = event.ctrlKey || event.metaKey;
    if (/^Arrow/.test(key) || key === "Home" || key === "End") {
      event.preventDefault();
      var far = command;
      if (event.shiftKey && cell.matches(CELL)) extendRange(cell, key);
      else {
        clearRange();
        select(target(cell, key, far));
      }
      return;
    }
    if (key === "Tab") {
      var beside = target(cell, event.shiftKey ? "ArrowLeft" : "ArrowRight", false);
      if (!beside) return; // the row's end: Tab leaves the table as on any page
      event.preventDefault();
      clearRange();
      select(beside);
      return;
    }
    if (command && !event.altKey) {
      var lower = key.toLowerCase();
      if (lower === "z" && !event.shiftKey) undoRedo("undo", event);
      else if (lower === "y" || (lower === "z" && event.shiftKey)) undoRedo("redo", event);
      return; // Ctrl+C and Ctrl+V are the copy and paste events'
    }
    if (key === "Escape") clearRange();
    if (!cell.matches(CELL)) return;
    if (key === "Enter" || key === "F2") {
      event.preventDefault();
      openEditor(cell, key === "F2" ? "end" : "select");
    } else if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      clearCell(cell);
    } else if (key.length === 1 && !event.altKey) {
      event.preventDefault();
      openEditor(cell, { text: key });
    }
  }

  /* Delete: a save of nothing (a recorded change, undone as any other). */
  function clearCell(cell) {
    var input = openEditor(cell, { text: "" });
    if (!input) return;
    var editor = input.closest(EDITOR);
    focusAfterSwap = editor.id;
    focusField = cell.id;
    submit(formOf(editor, input));
  }

  /* What an input method composes needs an editable element: the selected cell is one
     (contenteditable) whose text the composition never keeps. Its start keeps the cell as it
     was; its end opens the editor with the composed text. Text inserted without composing
     (dictation, another IME) does the same. */
  var composing = null; // {cell id, copy of the host before the composition}

  document.addEventListener("compositionstart", function (event) {
    var cell = event.target.closest && event.target.closest(CELL);
    if (!cell || event.target !== cell || !cell.closest("[data-editable]")) return;
    composing = { id: cell.id, host: cell.closest("[data-editable]").cloneNode(true) };
  });

  document.addEventListener("compositionend", function (event) {
    if (!composing) return;
    var cell = document.getElementById(composing.id);
    var before = composing.host;
    composing = null;
    if (!cell) return;
    var host = cell.closest("[data-editable]");
    host.replaceWith(before);
    htmx.process(before);
    var fresh = document.getElementById(cell.id);
    openEditor(fresh, { text: event.data || "" });
  });

  // Ctrl+X on a selected cell changes nothing: a display's text is never edited in place.
  document.addEventListener("cut", function (event) {
    var cell = event.target.closest && event.target.closest(CELL);
    if (cell && event.target === cell) event.preventDefault();
  });

  document.addEventListener("beforeinput", function (event) {
    var cell = event.target.closest && event.target.closest(CELL);
    if (!cell || event.target !== cell) return;
    if (event.inputType === "insertCompositionText" || event.isComposing) return;
    event.preventDefault(); // the display's text is never edited in place
    if (event.inputType === "insertText" && event.data) openEditor(cell, { text: event.data });
  });

  document.addEventListener("keydown", function (event) {
    // An IME is composing: Enter confirms its candidate, it is not ours.
    if (event.isComposing || event.keyCode === 229) return;
    var element = event.target;
    if (!element.closest) return;

    var cell = cellOf(element);
    if (cell && element === cell) {
      onSelected(event, cell);
      return;
    }
    if (element.matches("[data-discard], [data-keep-editing]")) return;

    var editor = element.closest(EDITOR);
    if (!editor || !element.matches("input, textarea")) {
      var command = event.ctrlKey || event.metaKey;
      var typing = element.matches("input, textarea, select, [contenteditable]");
      if (command && !typing && /^[zy]$/i.test(event.key)) {
        undoRedo(event.key.toLowerCase() === "z" && !event.shiftKey ? "undo" : "redo", event);
      }
      return;
    }
    var form = formOf(editor, element);
    var spot = element.closest("td, th") || editor;

    if (event.key === "Escape") {
      event.preventDefault();
      cancel(editor, element);
    } else if (event.key === "Enter") {
      var multiline = element.hasAttribute("data-multiline");
      if (!multiline || event.ctrlKey || event.metaKey) {
        event.preventDefault();
        if (form.dataset.draftKey) {
          focusAfterSwap = editor.id;
          submit(form);
          return;
        }
        leave(editor, spot, event.shiftKey ? "ArrowUp" : "ArrowDown", element.name);
      }
    } else if (event.key === "Tab" && !form.dataset.draftKey) {
      var inputs = inputsOf(editor);
      var index = inputs.indexOf(element);
      var leaving = event.shiftKey ? index === 0 : index === inputs.length - 1;
      if (!leaving) return; // Tab between the inputs of one group stays native
      event.preventDefault();
      leave(editor, spot, event.shiftKey ? "ArrowLeft" : "ArrowRight", element.name);
    }
  });

  /* Enter and Tab: save (when something changed) and select the next cell, its editor
     closed, as in a spreadsheet. */
  function leave(editor, spot, key, field) {
    var next = target(spot, key, false);
    typedField = field; // if the save is refused, the keyboard goes back there
    var saving = closeEditor(editor, true);
    if (!saving) {
      var display = document.getElementById(editor.id);
      if (!next && display) selectIn(display, field);
    } else if (!next) {
      focusAfterSwap = editor.id;
    }
    if (next) {
      // The td the editor took is replaced by its display again: find it by its place.
      if (!next.isConnected && next.id) next = document.getElementById(next.id);
      select(next);
    }
  }

  document.addEventListener("click", function (event) {
    var element = event.target;
    if (!element.closest) return;
    var cancelButton = element.closest("[data-cancel]");
    if (cancelButton) {
      event.preventDefault();
      var editor = cancelButton.closest(EDITOR);
      var display = restore(editor);
      if (display) selectIn(display);
      return;
    }
    if (element.closest("[data-discard]")) {
      var discarded = restore(element.closest(EDITOR));
      if (discarded) selectIn(discarded);
      return;
    }
    if (element.closest("[data-keep-editing]")) {
      var kept = element.closest(EDITOR);
      element.closest(".discard-bar").remove();
      inputsOf(kept)[0].focus();
      return;
    }
    var opener = element.closest("[data-open-editor]");
    if (opener) {
      openEditor(opener, "end");
      return;
    }
    if (element.closest(EDITOR)) return;
    // The 意见 button and links inside a cell are theirs, not the cell's.
    if (element.closest("button, a, summary, input, textarea, select, .comment-panel")) return;
    var cell = element.closest(CELL);
    if (cell) {
      if (!cell.closest("[data-editable]")) sayLocked(cell);
      else if (!rangeDragged) openEditor(cell, "select");
      return;
    }
    var head = element.closest("th.level1, th.level2");
    if (head) select(head);
  });

  /* Arriving at #cell-…: scroll to the cell and mark it; with ?open= naming it (a finding's
     link on the checks page), open its editor for those who may edit. A comment's answer
     comes back to its cell without opening it. */
  function arrive() {
    var id = decodeURIComponent(location.hash.slice(1));
    var found = id.indexOf("cell-") === 0 && document.getElementById(id);
    if (!found) return;
    found.classList.add("arrived");
    found.scrollIntoView({ block: "center" });
    var cell = found.matches(CELL) ? found : found.querySelector(CELL);
    if (!cell) return;
    cell.focus({ preventScroll: true });
    var asked = new URLSearchParams(location.search).get("open") === id;
    if (asked && cell.closest("[data-editable]")) {
      var input = openEditor(cell, "select");
      var editor = input && input.closest(EDITOR);
      if (editor) editor.classList.add("arrived");
    }
  }

  window.addEventListener("hashchange", arrive);

  /* The review rules' notes at the cells: a save's answer brings its project's box (out of
     band), which carries every cell's notes; put them where they belong, as a save may change
     another cell's (a duplicate name, a cost beside a new budget). An open editor is left be. */
  var SEVERITY_ORDER = ["E", "W", "I"];

  function placeNotes(box) {
    var source = box.querySelector("template.cell-notes");
    if (!source) return;
    var cells = document.querySelectorAll("td[data-cell]");
    each(cells, function (cell) {
      each(cell.querySelectorAll(".cell-finding"), function (note) {
        note.remove();
      });
    });
    each(source.content.querySelectorAll("[data-for]"), function (note) {
      var cell = document.getElementById(note.dataset.for);
      if (cell && cell.matches("td[data-cell]")) cell.appendChild(note.cloneNode(true));
    });
    each(cells, function (cell) {
      SEVERITY_ORDER.forEach(function (severity) {
        cell.classList.remove("flagged-" + severity);
      });
      var gravest = SEVERITY_ORDER.filter(function (severity) {
        return cell.querySelector(".cell-finding.finding-" + severity);
      })[0];
      if (gravest) cell.classList.add("flagged-" + gravest);
    });
  }

  /* The selection survives a swap of the element holding it (a save, a colleague's change). */
  var reselect = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var swapped = event.detail.target;
    if (active && active.id && swapped && swapped.contains(active) && !active.matches("input, textarea")) {
      reselect = active.id;
    }
  });

  htmx.onLoad(function (element) {
    if (!(element instanceof Element)) return;
    if (element === document.body) arrive(); // htmx has made the page's cells live
    if (element.matches(".project-findings")) placeNotes(element);
    if (element.matches(EDITOR)) {
      // From the server: opened (a narrative), refused (422), or the other's value (409).
      if (!element.querySelector(".field-error, .conflict")) {
        element.setAttribute("data-opened", "");
        presence(element.id);
      }
      openId = element.id;
      restoreDraft(element);
      var active = document.activeElement;
      var elsewhere = active && active.closest && active.closest(EDITOR) && !element.contains(active);
      if (!elsewhere) focusRefused(element);
      return;
    }
    if (element.id && element.id in displays) delete displays[element.id];
    if (element.id && openId === element.id) {
      openId = null;
      presence("");
      if (rowsPending) reloadRows();
    }
    var active2 = document.activeElement;
    var idle = !active2 || active2 === document.body || element.contains(active2);
    if (focusAfterSwap && element.id === focusAfterSwap) {
      focusAfterSwap = null;
      var field = focusField;
      focusField = null;
      // Give the focus back only if the user has not moved on meanwhile (clicked another cell
      // whose editor opened before this answer came): never steal it from a field.
      if (idle) {
        var byId = field && document.getElementById(field);
        if (byId) select(byId);
        else selectIn(element);
      }
    } else if (reselect && idle) {
      var again = document.getElementById(reselect);
      if (again) select(again);
    }
    reselect = null;
    markDrafts(element);
  });

  /* A refused editor keeps the keyboard on the field that was refused (or the one typed in). */
  function focusRefused(editor) {
    var typed = typedField && editor.querySelector('[name="' + typedField + '"]');
    var input = typed || editor.querySelector("[aria-invalid=true]");
    typedField = null;
    input = input || inputsOf(editor)[0];
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  /* Markdown drafts: kept in the browser while typing, so a reload loses nothing. */

  function restoreDraft(editor) {
    var form = editor.querySelector("form[data-draft-key]");
    if (!form) return;
    var textarea = form.querySelector("textarea");
    var draft = localStorage.getItem(form.dataset.draftKey);
    if (draft !== null && draft !== textarea.value) {
      textarea.value = draft;
      form.querySelector(".draft-note").hidden = false;
      htmx.trigger(textarea, "preview");
    }
  }

  function markDrafts(root) {
    // A section that has just been saved has no draft any more.
    if (root.matches && root.matches(".cell-markdown.just-saved[data-draft-key]")) {
      localStorage.removeItem(root.dataset.draftKey);
    }
    var blocks = root.querySelectorAll ? root.querySelectorAll(".cell-markdown[data-draft-key]") : [];
    each(blocks, function (block) {
      var button = block.querySelector(".edit-button");
      if (button && localStorage.getItem(block.dataset.draftKey) !== null && !block.classList.contains("has-draft")) {
        block.classList.add("has-draft");
        button.textContent += "（有未保存的草稿）";
      }
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-draft-key]");
    if (form && event.target.matches("textarea")) {
      localStorage.setItem(form.dataset.draftKey, event.target.value);
    }
  });

  /* Toasts: messages from the server (HX-Trigger) and from failed requests. */

  function toast(message, undo) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast";
    item.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = message;
    item.appendChild(text);
    if (undo) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "撤销";
      button.addEventListener("click", function () {
        htmx.ajax("POST", undo.url, { target: undo.target, swap: "outerHTML", source: document.body });
        item.remove();
      });
      item.appendChild(button);
    }
    box.appendChild(item);
    setTimeout(function () {
      item.remove();
    }, undo ? 12000 : 6000);
  }

  /* A message said across a reload of the page (undo, paste). */
  function reloadSaying(message) {
    if (message) sessionStorage.setItem("jixiao-toast", message);
    location.reload();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var message = sessionStorage.getItem("jixiao-toast");
    if (message) {
      sessionStorage.removeItem("jixiao-toast");
      toast(message);
    }
    startPolling();
  });

  document.addEventListener("jixiao:toast", function (event) {
    var detail = event.detail;
    toast(detail.message, detail.undo ? { url: detail.undo, target: detail.target } : null);
  });

  document.addEventListener("jixiao:edit", function (event) {
    var cell = document.getElementById(event.detail.id);
    if (cell) {
      cell.focus();
      openEditor(cell, "select");
    }
  });

  document.addEventListener("jixiao:focus", function (event) {
    var row = document.getElementById(event.detail.id);
    if (row) {
      row.classList.add("just-saved");
      var cell = row.querySelector(CELL);
      if (cell) cell.focus();
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.getResponseHeader("HX-Trigger")) return; // the server sent its own message
    if (xhr.status === 404) toast("该内容已不存在（可能已被别人删除），请刷新页面。");
    else toast("保存失败：服务器出错（" + xhr.status + "），您的修改未保存，请重试。");
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("htmx:sendError", function () {
    toast("无法连接服务器，修改未保存。请检查网络后重试。");
  });

  /* Requests of our own (JSON), with the page's CSRF token as htmx sends it. */
  function send(method, url, body) {
    var headers = { Accept: "application/json", "HX-Request": "true" };
    var given = document.body.getAttribute("hx-headers");
    if (given) headers["X-CSRFToken"] = JSON.parse(given)["X-CSRFToken"];
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body) options.body = new URLSearchParams(body);
    return fetch(url, options);
  }

  function json(response) {
    return response.json().then(
      function (body) {
        return { status: response.status, body: body };
      },
      function () {
        return { status: response.status, body: {} };
      }
    );
  }

  /* A cell's fragment fetched again and put in place (not over an open editor); answers the
     new element, or null when nothing was swapped. `unless`: skip when it shows that version. */
  function refreshCell(id, url, sameVersionSkips) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        var now = document.getElementById(id);
        if (!html || !now || now.matches(EDITOR)) return null;
        var holder = document.createElement("template");
        holder.innerHTML = html;
        var fresh = holder.content.getElementById(id);
        if (!fresh) return null;
        if (sameVersionSkips && versions(fresh) === versions(now)) return null;
        var hadFocus = now.contains(document.activeElement) && document.activeElement.id;
        now.replaceWith(fresh);
        htmx.process(fresh);
        if (hadFocus && document.getElementById(hadFocus)) document.getElementById(hadFocus).focus();
        return fresh;
      });
  }

  function versions(element) {
    var source = templateOf(element);
    if (!source) return element.textContent;
    return Array.prototype.map
      .call(source.content.querySelectorAll("input[name^=version-]"), function (input) {
        return input.value;
      })
      .join("|");
  }

  /* Ctrl+Z / Ctrl+Y: the user's own last change in this plan taken back or made again, by the
     server through the history (so it works after a reload, never over a colleague's). */
  function undoRedo(what, event) {
    var live = document.getElementById("live");
    var url = live && live.dataset[what + "Url"];
    if (!url) return;
    event.preventDefault();
    if (openEditorElement()) return;
    send("POST", url).then(json).then(function (answer) {
      var body = answer.body;
      if (body.reload) {
        reloadSaying(body.message);
        return;
      }
      if (body.message) toast(body.message);
      (body.cells || []).forEach(function (changedCell) {
        refreshCell(changedCell.id, changedCell.url, false).then(function (fresh) {
          if (fresh) fresh.classList.add("just-saved");
        });
      });
    });
  }

  /* Cells that stay current: the page asks every few seconds what changed since it was read
     (app/web/live.py) and puts colleagues' values in place, never over an open editor. */
  var changedSince = {}; // cell id → "张三 11:02", for the editor to say
  var rowsPending = false;
  // This page's own row operations (add, move, delete) are in place already: the poll that
  // reports them is not a colleague's change to reload for.
  var ownRowChange = false;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig || {};
    if (config.verb && config.verb !== "get" && (config.path || "").indexOf("/cells/") !== 0) {
      ownRowChange = true;
    }
  });

  function liveBox() {
    return document.getElementById("live");
  }

  function startPolling() {
    var live = liveBox();
    if (!live || !live.dataset.changesUrl) return;
    var seconds = parseFloat(live.dataset.pollSeconds) || 4;
    setTimeout(function tick() {
      var next = function () {
        setTimeout(tick, seconds * 1000);
      };
      if (document.hidden) return next();
      var mine = ownRowChange;
      ownRowChange = false;
      var url = live.dataset.changesUrl;
      url += (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(live.dataset.lastChange);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          if (body) learn(live, body, mine || ownRowChange);
        })
        .then(next, next);
    }, seconds * 1000);
  }

  function learn(live, body, mine) {
    live.dataset.lastChange = body.last;
    (body.cells || []).forEach(function (change) {
      var now = document.getElementById(change.id);
      if (!now || now.matches(EDITOR)) return;
      var who = change.user + " " + change.at;
      refreshCell(change.id, change.url, true).then(function (fresh) {
        if (!fresh) return;
        changedSince[change.id] = who;
        fresh.classList.add("changed-by-other");
        fresh.title = who + " 改了" + (change.label ? "“" + change.label + "”" : "");
      });
    });
    if (body.rows && !mine) reloadRows();
    showPresence(body.presence || []);
  }

  /* Rows added, moved or deleted elsewhere: the page is read again, once no editor is open. */
  function reloadRows() {
    rowsPending = !!openEditorElement();
    if (!rowsPending) reloadSaying("");
  }

  function showPresence(list) {
    each(document.querySelectorAll(".present"), function (element) {
      element.classList.remove("present");
      element.removeAttribute("data-present");
    });
    list.forEach(function (someone) {
      var element = document.getElementById(someone.id);
      if (!element) return;
      element.classList.add("present");
      element.setAttribute("data-present", someone.user + " 正在编辑");
    });
  }

  /* Presence: the open editor's cell told to the server (empty: closed). */
  function presence(cellId) {
    var live = liveBox();
    if (!live || !live.dataset.presenceUrl) return;
    var match = /[?&]project=(\d+)/.exec(live.dataset.changesUrl || "");
    send("POST", live.dataset.presenceUrl, { cell: cellId || "", project: match ? match[1] : "" }).catch(
      function () {}
    );
  }

  /* An editor opened on a value a colleague changed since the page was read says so. */
  function noticeChanged(editor, display) {
    var who = display && changedSince[display.id];
    if (!who) return;
    var note = document.createElement("p");
    note.className = "changed-note";
    note.setAttribute("role", "status");
    var values = inputsOf(editor).map(function (input) {
      return input.defaultValue || "（空）";
    });
    note.textContent = who + " 改为 " + values.join("、");
    formOf(editor).appendChild(note);
  }

  /* A rectangle of the indicator table: Shift+arrows or a drag; Ctrl+C copies it as TSV and
     as an HTML table (Excel, WPS and Word paste a table). */
  var range = null; // {anchor, end}: cells

  function rangeCells() {
    if (!range) return [];
    var rows = grid();
    var a = placeOf(rows, range.anchor);
    var b = placeOf(rows, range.end);
    if (!a || !b) return [];
    var top = Math.min(a.top, b.top);
    var bottom = Math.max(a.bottom, b.bottom);
    var left = Math.min(a.left, b.left);
    var right = Math.max(a.right, b.right);
    var out = [];
    for (var r = top; r <= bottom; r++) {
      var line = [];
      for (var c = left; c <= right; c++) {
        var slot = rows[r] && rows[r][c];
        if (slot && slot.matches(CELL) && line.indexOf(slot) < 0) line.push(slot);
      }
      if (line.length) out.push(line);
    }
    return out;
  }

  function paintRange() {
    each(document.querySelectorAll(".in-range"), function (cell) {
      cell.classList.remove("in-range");
    });
    rangeCells().forEach(function (line) {
      line.forEach(function (cell) {
        cell.classList.add("in-range");
      });
    });
  }

  function clearRange() {
    range = null;
    paintRange();
  }

  function sameTable(a, b) {
    return a.closest("table") === b.closest("table");
  }

  function extendRange(cell, key) {
    if (!range || !range.anchor.isConnected) range = { anchor: cell, end: cell };
    var next = target(range.end, key, false);
    if (next && next.matches(CELL) && sameTable(next, range.anchor)) range.end = next;
    paintRange();
  }

  // Another cell selected (a click, a swap, Tab): the rectangle is gone, as in a spreadsheet.
  document.addEventListener("focusin", function (event) {
    if (range && event.target !== range.anchor && !dragFrom) clearRange();
  });

  var dragFrom = null;
  var rangeDragged = false;

  document.addEventListener("mousedown", function (event) {
    var cell = event.target.closest && event.target.closest("table.indicators " + CELL);
    rangeDragged = false;
    dragFrom = cell && event.button === 0 && !event.target.closest("button, a") ? cell : null;
    if (dragFrom && !event.shiftKey) clearRange();
  });

  document.addEventListener("mouseover", function (event) {
    if (!dragFrom || !(event.buttons & 1)) return;
    var cell = event.target.closest && event.target.closest(CELL);
    if (!cell || cell === dragFrom || !sameTable(cell, dragFrom)) return;
    range = { anchor: dragFrom, end: cell };
    rangeDragged = true;
    event.preventDefault();
    paintRange();
  });

  document.addEventListener("mouseup", function () {
    if (dragFrom && rangeDragged) select(dragFrom);
    dragFrom = null;
  });

  function textOf(cell) {
    var source = cell.closest("[data-editable]") && templateOf(cell.closest("[data-editable]"));
    var input = source && source.content.querySelector('[name="' + cell.dataset.field + '"]');
    if (input) return input.value !== undefined && input.tagName === "INPUT" ? input.value : input.textContent;
    var copy = cell.cloneNode(true);
    each(copy.querySelectorAll(".cell-finding, .comment-button, template, .locked-note"), function (extra) {
      extra.remove();
    });
    return copy.textContent.trim();
  }

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  document.addEventListener("copy", function (event) {
    var active = document.activeElement;
    if (!active || !active.matches(CELL) || !event.clipboardData) return;
    var lines = range ? rangeCells() : [[active]];
    if (!lines.length) return;
    var values = lines.map(function (line) {
      return line.map(textOf);
    });
    var tsv = values
      .map(function (line) {
        return line
          .map(function (text) {
            return /[\t\n"]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
          })
          .join("\t");
      })
      .join("\r\n");
    var html =
      "<table>" +
      values
        .map(function (line) {
          return "<tr>" + line.map(function (text) {
            return "<td>" + escapeHtml(text).replace(/\n/g, "<br>") + "</td>";
          }).join("") + "</tr>";
        })
        .join("") +
      "</table>";
    event.clipboardData.setData("text/plain", tsv);
    event.clipboardData.setData("text/html", html);
    event.preventDefault();
    toast("已复制 " + values.length + " 行 × " + values[0].length + " 列");
  });

  /* Ctrl+V of rows from Excel/WPS into the indicator table: a dry run first; more than one
     cell changed is shown and confirmed in the page (POST /projects/<id>/paste). */
  document.addEventListener("paste", function (event) {
    if (!event.clipboardData || !event.target.closest) return;
    var text = event.clipboardData.getData("text/plain");
    var cell = event.target.closest(CELL);
    var editor = event.target.closest("table.indicators td" + EDITOR);
    if (editor && /\t/.test(text) && !changed(editor)) {
      // Rows from Excel into a cell just opened (a click opens it): the block, not one value.
      cell = restore(editor);
      if (!cell) return;
      select(cell);
    } else if (!cell || event.target !== cell) return;
    event.preventDefault();
    var bare = text.replace(/\r?\n$/, "");
    if (!/[\t\n]/.test(bare)) {
      if (cell.closest("[data-editable]")) openEditor(cell, { text: bare });
      else sayLocked(cell);
      return;
    }
    var table = cell.closest("table.indicators");
    if (!table || !cell.closest("[data-editable]")) {
      toast(table ? "只读：不能粘贴" : "多行多列只能粘贴到指标表中");
      return;
    }
    var url = "/projects/" + table.id.replace("indicators-", "") + "/paste";
    var form = { start: cell.id, text: text };
    send("POST", url, Object.assign({ preview: "1" }, form)).then(json).then(function (answer) {
      if (answer.status !== 200) {
        toast(answer.body.message || "粘贴失败（" + answer.status + "）");
        return;
      }
      var body = answer.body;
      if ((body.cells || 0) + (body.rows_added || 0) <= 1) pasteForReal(url, form);
      else showPastePreview(table, body, url, form);
    });
  });

  function pasteForReal(url, form) {
    send("POST", url, form).then(json).then(function (answer) {
      if (answer.status !== 200) {
        toast(answer.body.message || "粘贴失败（" + answer.status + "）");
        return;
      }
      reloadSaying(answer.body.message);
    });
  }

  function showPastePreview(table, body, url, form) {
    var old = document.querySelector(".paste-preview");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "paste-preview";
    box.setAttribute("role", "alertdialog");
    var title = document.createElement("p");
    title.className = "paste-message";
    title.textContent = body.message;
    box.appendChild(title);
    var list = document.createElement("ul");
    (body.changes || []).forEach(function (change) {
      var item = document.createElement("li");
      item.textContent = "第" + change.row + "行 " + (change.indicator || "（新行）") + " · " + change.label +
        "：" + (change.old || "（空）") + " → " + (change.new || "（空）");
      list.appendChild(item);
    });
    box.appendChild(list);
    var ok = document.createElement("button");
    ok.type = "button";
    ok.className = "primary";
    ok.textContent = "确认粘贴";
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = "取消";
    box.append(ok, no);
    table.before(box);
    ok.addEventListener("click", function () {
      box.remove();
      pasteForReal(url, form);
    });
    no.addEventListener("click", function () {
      box.remove();
      select(document.getElementById(form.start));
    });
    ok.focus();
  }
})();
