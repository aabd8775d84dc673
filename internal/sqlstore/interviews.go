package sqlstore

import (
	"context"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// PutInterview inserts or replaces the case's interview and who attends.
func (t *Tx) PutInterview(ctx context.Context, i *store.InterviewRow) error {
	const op = "PutInterview"
	if _, err := t.exec(ctx, op, `INSERT INTO interviews (id, case_id, at, on_date, zone_enc, place_enc, link_enc, language,
		interpreter, interpreter_language, scheduled_by, scheduled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (case_id) DO UPDATE SET id = excluded.id, at = excluded.at, on_date = excluded.on_date, zone_enc = excluded.zone_enc,
		place_enc = excluded.place_enc, link_enc = excluded.link_enc, language = excluded.language, interpreter = excluded.interpreter,
		interpreter_language = excluded.interpreter_language, scheduled_by = excluded.scheduled_by, scheduled_at = excluded.scheduled_at`,
		i.ID, i.CaseID, fmtTime(i.At), t.d.date(i.Date), []byte(i.Zone), nullBytes(i.Place), nullBytes(i.Link), i.Language,
		i.Interpreter, i.InterpreterLanguage, i.ScheduledBy, fmtTime(i.ScheduledAt)); err != nil {
		return err
	}
	if _, err := t.exec(ctx, op, `DELETE FROM interview_attendees WHERE case_id = $1`, i.CaseID); err != nil {
		return err
	}
	for n, m := range i.Attending {
		if _, err := t.exec(ctx, op, `INSERT INTO interview_attendees (case_id, member_id, ordinal) VALUES ($1, $2, $3)`,
			i.CaseID, m, n); err != nil {
			return err
		}
	}
	return nil
}

// nullBytes is a sealed field that may be absent: NULL, not empty bytes.
func nullBytes(s store.Sealed) any {
	if len(s) == 0 {
		return nil
	}
	return []byte(s)
}

// FindInterview returns the case's interview.
func (t *Tx) FindInterview(ctx context.Context, caseID haven.ID) (*store.InterviewRow, error) {
	const op = "FindInterview"
	var i store.InterviewRow
	var at, scheduled string
	var on dateCol
	err := t.q.QueryRow(ctx, `SELECT id, case_id, at, on_date, zone_enc, place_enc, link_enc, language, interpreter, interpreter_language,
		scheduled_by, scheduled_at FROM interviews WHERE case_id = $1`, caseID).
		Scan(&i.ID, &i.CaseID, &at, &on, &i.Zone, &i.Place, &i.Link, &i.Language, &i.Interpreter, &i.InterpreterLanguage,
			&i.ScheduledBy, &scheduled)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	var d decoder
	i.At, i.Date, i.ScheduledAt = d.time(at), d.date(on), d.time(scheduled)
	if err := d.done(op); err != nil {
		return nil, err
	}
	rows, err := t.q.Query(ctx, `SELECT member_id FROM interview_attendees WHERE case_id = $1 ORDER BY ordinal`, caseID)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	ids, err := collect(t, rows, op, func(s scanner) (haven.ID, error) {
		var id haven.ID
		return id, s.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	i.Attending = ids
	return &i, nil
}
