// Package vault encrypts Haven's sensitive fields at rest and computes the
// blind indexes that let the store find records by those fields without a
// plaintext index.
//
// # Threat
//
// Haven holds the identities, whereabouts and persecution accounts of human
// rights defenders. Hostile states want that data. The design assumes that a
// copy of the database (a stolen backup, a compromised replica, a subpoenaed
// disk) may reach an adversary, and that an adversary who can write to the
// database may try to move ciphertexts between records so that the
// application decrypts one defender's data into another's page. Keys live in
// a key file outside the database; without it the sensitive columns are
// noise.
//
// # Envelope encryption
//
// Every subject (one case or one nomination) has its own random 256-bit data
// key (DEK). Sensitive fields of that subject are sealed with AES-256-GCM
// under the DEK. The DEK itself is never stored in the clear: it is wrapped
// (AES-256-GCM again) under a key-encryption key (KEK) from the [Keyring],
// and the [WrappedKey] is stored next to the subject, naming the KEK that
// wrapped it.
//
// # Additional data binding
//
// A sealed value is bound to where it lives: its [Binding] (subject, table,
// column, row) is the GCM additional data. A ciphertext copied to another
// subject, table, column or row fails to open with [ErrOpen], as does any
// tampered byte. A wrapped DEK is likewise bound to its subject and to the id
// of its KEK, so a wrapped key copied onto another case does not unwrap.
// Every component of additional data is length-prefixed (uvarint) after a
// versioned label ("haven/seal/v1", "haven/dek/v1"), so no two different
// bindings produce the same bytes.
//
// Sealed values have the form 0x01 || 12-byte random nonce || ciphertext ||
// 16-byte tag. An empty value seals to nil, stored as SQL NULL. Random
// nonces are safe here because each DEK seals only one subject's fields, far
// below the 2^32 messages at which random 96-bit nonces start to risk a
// collision. Note that NULL is not authenticated: an adversary who can write
// to the database can erase a value, but cannot forge or move one.
//
// # Crypto-shredding
//
// Deleting a subject's wrapped DEK makes every ciphertext sealed under it
// unreadable, in the database and in every backup, without finding and
// overwriting each copy. This is how Haven honours erasure: delete the
// wrapped key, and the data is gone even where the rows remain.
//
// # Rotation
//
// [Keyring.Rotate] makes a new current KEK and keeps the old one in
// Previous. New DEKs are wrapped under the current KEK; [Vault.Rewrap]
// re-wraps an existing DEK under the current KEK without touching any
// sealed field, because the DEK itself does not change. Once every wrapped
// key names the current KEK, the old KEK can be dropped from the key file.
//
// # Blind indexes
//
// [Vault.BlindIndex] is an HMAC-SHA256 under a separate index key, of a
// normalised value, domain-separated by a purpose such as
// "unhcr_case_number". Storing it beside the sealed value allows equality
// lookups ("is this UNHCR case number already registered?") with no
// plaintext index. The index key is separate from the KEKs so that rotating
// KEKs does not change any index. Values are normalised first (NFKC, Unicode
// case folding, format characters removed, whitespace collapsed) so that the
// same name typed differently, in any script, gives the same index. A blind
// index is only as strong as the index key: with the key, low-entropy values
// such as dates of birth can be guessed, so the key file must be guarded as
// closely as the KEKs.
//
// # The audit signing key
//
// The key file also holds the Ed25519 key (in golang.org/x/mod/sumdb/note's
// form) that signs the audit log's checkpoints, so that one guarded file
// holds every secret of an installation. The vault does not use it; it only
// checks its form, keeps it through rotation, and derives its public half
// ([Keyring.AuditVerifierKey]) for outside verifiers.
//
// # Keys in memory
//
// A [Vault] keeps the KEKs only as ready-to-use ciphers and the index key,
// not the [Keyring] it was built from. Errors from this package never
// contain key material or plaintext. Functions that take an io.Reader for
// randomness use crypto/rand when it is nil.
package vault
