package audit

import (
	"bytes"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/havenhrd/haven"
)

// leafHeader is the first line of every leaf. A change to the encoding
// would be a new header ("haven audit event v2"), never a silent change.
const leafHeader = "haven audit event v1\n"

// leafFields are the names of the fields of a leaf, in their order. Field
// "policy_id" repeats once per policy ID, after "policy_ids", which holds
// their count.
var leafFields = [...]string{
	"seq", "at", "actor_id", "actor_org_id", "action", "object_type",
	"object_id", "case_id", "decision", "policy_ids", "request_id", "detail",
}

// LeafData returns the canonical encoding of e that is hashed into the
// log. It covers every field of e, Seq included, so that no field can be
// changed, and no event moved, without changing the leaf hash.
//
// The encoding, version 1, is the line "haven audit event v1" followed by
// one line per field, in this order:
//
//	seq, at, actor_id, actor_org_id, action, object_type, object_id,
//	case_id, decision, policy_ids, policy_id (repeated), request_id, detail
//
// Each field line is the field name, a space, the value's length in bytes
// in decimal (no sign, no leading zeros), a colon, the value's bytes
// verbatim, and a newline (U+000A):
//
//	actor_id 6:user_1
//
// Because the length comes first, a value may hold any bytes, newlines
// included, and no two different events have the same encoding. seq is the
// sequence number in decimal. at is the time in UTC formatted as RFC 3339
// with as many fractional digits as needed and no trailing zeros (Go's
// time.RFC3339Nano), for example "2024-05-01T09:30:00.123456789Z". IDs and
// strings are their bytes as stored. policy_ids is the number of policy
// IDs in decimal, followed by that many policy_id lines in the event's
// order. detail is the stored JSON text byte for byte: it is not
// re-encoded, so the store must give it back exactly as it was written.
func LeafData(e *haven.AuditEvent) []byte {
	b := make([]byte, 0, 256+len(e.Detail))
	b = append(b, leafHeader...)
	b = appendField(b, "seq", strconv.FormatInt(e.Seq, 10))
	b = appendField(b, "at", e.At.UTC().Format(time.RFC3339Nano))
	b = appendField(b, "actor_id", string(e.ActorID))
	b = appendField(b, "actor_org_id", string(e.ActorOrgID))
	b = appendField(b, "action", e.Action)
	b = appendField(b, "object_type", e.ObjectType)
	b = appendField(b, "object_id", string(e.ObjectID))
	b = appendField(b, "case_id", string(e.CaseID))
	b = appendField(b, "decision", e.Decision)
	b = appendField(b, "policy_ids", strconv.Itoa(len(e.PolicyIDs)))
	for _, id := range e.PolicyIDs {
		b = appendField(b, "policy_id", id)
	}
	b = appendField(b, "request_id", e.RequestID)
	b = appendField(b, "detail", e.Detail)
	return b
}

func appendField(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(value)), 10)
	b = append(b, ':')
	b = append(b, value...)
	return append(b, '\n')
}

// LeafHash returns the hash of e's leaf in the log's Merkle tree:
// tlog.RecordHash(LeafData(e)), that is SHA-256 of a zero byte followed by
// the leaf data (RFC 6962 §2.1).
func LeafHash(e *haven.AuditEvent) tlog.Hash {
	return tlog.RecordHash(LeafData(e))
}

// ParseLeafData decodes leaf data made by [LeafData]. It accepts only the
// canonical encoding: data must be exactly what LeafData returns for the
// event it decodes to. It returns an EINVALID error for anything else.
func ParseLeafData(data []byte) (*haven.AuditEvent, error) {
	const op = "audit.ParseLeafData"
	bad := func(what string) error {
		return haven.Errorf(haven.EINVALID, op, "malformed leaf data: %s", what)
	}
	rest, ok := bytes.CutPrefix(data, []byte(leafHeader))
	if !ok {
		return nil, bad("not a version 1 audit event")
	}
	field := func(name string) (string, error) {
		r, ok := bytes.CutPrefix(rest, []byte(name+" "))
		if !ok {
			return "", bad("expected field " + name)
		}
		l, r, ok := bytes.Cut(r, []byte(":"))
		n, err := strconv.Atoi(string(l))
		if !ok || err != nil || n < 0 || string(l) != strconv.Itoa(n) || n >= len(r) || r[n] != '\n' {
			return "", bad("bad length of field " + name)
		}
		rest = r[n+1:]
		return string(r[:n]), nil
	}
	var e haven.AuditEvent
	var vals [len(leafFields)]string
	for i, name := range leafFields {
		v, err := field(name)
		if err != nil {
			return nil, err
		}
		vals[i] = v
		if name == "policy_ids" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > len(rest) {
				return nil, bad("bad policy_ids count")
			}
			for range n {
				id, err := field("policy_id")
				if err != nil {
					return nil, err
				}
				e.PolicyIDs = append(e.PolicyIDs, id)
			}
		}
	}
	if len(rest) != 0 {
		return nil, bad("trailing data")
	}
	seq, err := strconv.ParseInt(vals[0], 10, 64)
	if err != nil {
		return nil, bad("bad seq")
	}
	at, err := time.Parse(time.RFC3339Nano, vals[1])
	if err != nil {
		return nil, bad("bad time")
	}
	e.Seq = seq
	e.At = at.UTC()
	e.ActorID = haven.ID(vals[2])
	e.ActorOrgID = haven.ID(vals[3])
	e.Action = vals[4]
	e.ObjectType = vals[5]
	e.ObjectID = haven.ID(vals[6])
	e.CaseID = haven.ID(vals[7])
	e.Decision = vals[8]
	e.RequestID = vals[10]
	e.Detail = vals[11]
	if !bytes.Equal(LeafData(&e), data) {
		return nil, bad("not in canonical form")
	}
	return &e, nil
}
