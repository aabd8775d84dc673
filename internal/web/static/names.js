// Haven: suggestions for a field that takes several countries or languages.
//
// A field of names (input[data-names]) has the page's <datalist> of names
// as its suggestions: the browser offers them for the whole value, so
// after "Iran, " it offers nothing more. For a field that takes several
// names (data-names="several"), this script rewrites the datalist's options
// as the person types: each is what the field holds up to the entry being
// typed, followed by one name ("Iran, Afghanistan", "Iran, Albania" ...).
// The names already in the field are left out.
//
// The field stays a native text input with its native list of suggestions:
// the browser keeps its combobox role, its keyboard and its announcements,
// and the script moves no focus and announces nothing of its own. Without
// this script the list offers single names, as before. No inline script:
// the CSP forbids it.
(function () {
  'use strict';

  var separators = /[,;\n]/;

  // fold lowers a name and takes off its accents, as the server reads it.
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u2019\u02bc`]/g, "'")
      .replace(/\s+/g, ' ').trim().toLowerCase();
  }

  // names keeps each datalist's own names, and their folded forms, read
  // once.
  var names = {};

  function namesOf(list) {
    if (!names[list.id]) {
      names[list.id] = Array.prototype.map.call(list.options, function (o) {
        return {name: o.value, folded: fold(o.value)};
      });
    }
    return names[list.id];
  }

  // fillList writes the suggestions for the field's value into its list,
  // when they differ from what the list offers now.
  function fillList(field) {
    var list = field.list;
    if (!list) {
      return;
    }
    var all = namesOf(list);
    var value = field.value;
    var several = field.getAttribute('data-names') === 'several';
    var cut = -1;
    if (several) {
      for (var i = value.length - 1; i >= 0; i--) {
        if (separators.test(value.charAt(i))) {
          cut = i;
          break;
        }
      }
    }
    var wanted;
    if (cut < 0) {
      wanted = all.map(function (n) { return n.name; });
    } else {
      // The suggestions begin with the field's value up to the entry being
      // typed, as it was typed, so that the browser, which offers the
      // options that begin with the value, keeps them.
      var head = value.slice(0, cut + 1);
      var rest = value.slice(cut + 1);
      var prefix = head + (rest === '' ? ' ' : rest.match(/^\s*/)[0]);
      var entry = fold(rest);
      var taken = {};
      head.split(separators).forEach(function (e) { taken[fold(e)] = true; });
      wanted = all.filter(function (n) {
        return !taken[n.folded] && n.folded.indexOf(entry) === 0;
      }).map(function (n) { return prefix + n.name; });
    }
    var now = list.options;
    if (now.length === wanted.length) {
      var same = true;
      for (var k = 0; k < wanted.length && same; k++) {
        same = now[k].value === wanted[k];
      }
      if (same) {
        return;
      }
    }
    var frag = document.createDocumentFragment();
    wanted.forEach(function (n) {
      var o = document.createElement('option');
      o.value = n;
      frag.appendChild(o);
    });
    list.replaceChildren(frag);
  }

  var fields = document.querySelectorAll('input[data-names][list]');
  Array.prototype.forEach.call(fields, function (field) {
    // Fields of one kind share a list: each writes it afresh when it gets
    // the focus.
    field.addEventListener('focus', function () { fillList(field); });
    field.addEventListener('input', function () { fillList(field); });
  });
})();
