// Haven: sign in with a passkey.
//
// The page's form (#passkey-form) carries the WebAuthn request options the
// server made (data-options, JSON with base64url fields). On submit, this
// script asks the browser for the passkey (navigator.credentials.get),
// writes the browser's answer as JSON into the form's "credential" field and
// submits the form, with its CSRF token, to the server, which checks it.
// Without this script the form posts an empty answer and the server says
// that passkeys need JavaScript. No inline script: the CSP forbids it.
(function () {
  'use strict';

  var form = document.getElementById('passkey-form');
  if (!form) {
    return;
  }
  var status = document.getElementById('passkey-status');
  var field = form.elements.namedItem('credential');

  function say(msg) {
    if (status) {
      status.textContent = msg || '';
    }
  }

  function fromB64url(s) {
    var b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) {
      b64 += '=';
    }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function toB64url(buf) {
    if (!buf) {
      return null;
    }
    var bytes = new Uint8Array(buf);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // requestOptions turns the server's JSON into the options the browser takes.
  function requestOptions(json) {
    var pk = json.publicKey || json;
    if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(pk);
    }
    var o = Object.assign({}, pk);
    o.challenge = fromB64url(pk.challenge);
    if (pk.allowCredentials) {
      o.allowCredentials = pk.allowCredentials.map(function (c) {
        return Object.assign({}, c, { id: fromB64url(c.id) });
      });
    }
    return o;
  }

  // creationOptions turns the server's registration JSON into the options
  // navigator.credentials.create takes.
  function creationOptions(json) {
    var pk = json.publicKey || json;
    if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(pk);
    }
    var o = Object.assign({}, pk);
    o.challenge = fromB64url(pk.challenge);
    o.user = Object.assign({}, pk.user, { id: fromB64url(pk.user.id) });
    if (pk.excludeCredentials) {
      o.excludeCredentials = pk.excludeCredentials.map(function (c) {
        return Object.assign({}, c, { id: fromB64url(c.id) });
      });
    }
    return o;
  }

  // registration is the browser's new credential as the server reads it.
  function registration(cred) {
    if (typeof cred.toJSON === 'function') {
      return cred.toJSON();
    }
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: {
        attestationObject: toB64url(r.attestationObject),
        clientDataJSON: toB64url(r.clientDataJSON),
        transports: r.getTransports ? r.getTransports() : []
      }
    };
  }

  // answer is the browser's assertion as the server reads it.
  function answer(cred) {
    if (typeof cred.toJSON === 'function') {
      return cred.toJSON();
    }
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: {
        authenticatorData: toB64url(r.authenticatorData),
        clientDataJSON: toB64url(r.clientDataJSON),
        signature: toB64url(r.signature),
        userHandle: toB64url(r.userHandle)
      }
    };
  }

  form.addEventListener('submit', function (ev) {
    if (field.value) {
      return; // the answer is in: let the form go
    }
    ev.preventDefault();
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say(form.dataset.msgUnsupported);
      return;
    }
    // data-ceremony="create" asks for a new passkey (account pages);
    // otherwise the page asks for an existing one (sign-in).
    var create = form.dataset.ceremony === 'create';
    var opts;
    try {
      var json = JSON.parse(form.dataset.options);
      opts = create ? creationOptions(json) : requestOptions(json);
    } catch (e) {
      say(form.dataset.msgUnsupported);
      return;
    }
    say(form.dataset.msgWaiting);
    var asked = create ? navigator.credentials.create({ publicKey: opts }) : navigator.credentials.get({ publicKey: opts });
    asked.then(function (cred) {
      field.value = JSON.stringify(create ? registration(cred) : answer(cred));
      form.submit();
    }, function () {
      say(form.dataset.msgCancelled);
    });
  });
})();
