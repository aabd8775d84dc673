package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/referral"
)

// Bulk import: a referral partner uploads a file of referrals, CSV or
// JSON, at most maxUpload bytes. The page reads it, then the app imports
// every referral or none (app.ImportReferrals). Every problem is reported
// at once, by the line of the file it is on; on success the page lists the
// cases created. The file is read in memory only: it is never written to
// disk, and nothing of it is kept but what the app stores.
//
// The file is read by package referral, as the API reads its bodies:
// JSON, an array of referrals or the body of POST /api/v1/cases/import;
// CSV, one row per member of a family. The page words the problems.

// maxUpload bounds an uploaded file: the same bound as the API's bulk
// import, whose body the JSON file may be.
const maxUpload = haven.MaxImportFile

// maxUploadMiB is maxUpload as the page states it, in MiB; the array's
// length fails to compile unless maxUpload is a whole number of MiB.
const maxUploadMiB = maxUpload >> 20

var _ [1]struct{} = [1 - maxUpload%(1<<20)]struct{}{}

// uploadForm is what the upload form may carry around its file: the
// multipart headers and the CSRF token.
const uploadForm = 64 << 10

// MaxBody is the largest body any page takes: the upload form.
const MaxBody = max(maxForm, maxFlowForm, maxUpload+uploadForm)

// importPath is the import page.
const importPath = "/referrals/import"

// upload is the file of an import form, as the guard read it.
type upload struct {
	name     string
	data     []byte
	tooLarge bool
}

type uploadKey struct{}

// postUpload guards the upload form as s.post guards the others: the same
// same-origin and CSRF checks, refused with the same pages; the form is
// multipart, with the CSRF token before the file. The body is bounded; a
// file over maxUpload is not read further and is refused by the page,
// which changes nothing.
func (s *server) postUpload(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload+uploadForm)
		refuse := func(status int, key string) { s.refuse(w, r, status, key) }
		if !s.sameOrigin(r) {
			refuse(http.StatusForbidden, "err.cross_site")
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			refuse(http.StatusUnsupportedMediaType, "err.bad_form")
			return
		}
		mr, err := r.MultipartReader()
		if err != nil {
			refuse(http.StatusBadRequest, "err.bad_form")
			return
		}
		up, token := &upload{}, ""
	parts:
		for {
			part, err := mr.NextPart()
			var mbe *http.MaxBytesError
			switch {
			case errors.Is(err, io.EOF):
				break parts
			case errors.As(err, &mbe):
				up.tooLarge = true
				break parts
			case err != nil:
				refuse(http.StatusBadRequest, "err.bad_form")
				return
			}
			switch part.FormName() {
			case csrfField:
				b, _ := io.ReadAll(io.LimitReader(part, 256))
				token = string(b)
			case "file":
				if up.name != "" || up.data != nil {
					break parts // one file a form
				}
				up.name = part.FileName()
				b, err := io.ReadAll(io.LimitReader(part, maxUpload+1))
				if errors.As(err, &mbe) || len(b) > maxUpload {
					up.tooLarge = true
					break parts
				} else if err != nil {
					refuse(http.StatusBadRequest, "err.bad_form")
					return
				}
				up.data = b
			}
			part.Close()
		}
		r.PostForm = url.Values{csrfField: {token}}
		r.Form = r.PostForm
		if !validCSRF(r) {
			refuse(http.StatusForbidden, "err.csrf")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), uploadKey{}, up)))
	})
}

// importIssue is one problem of an imported file.
type importIssue struct {
	ref   int    // the referral it is about, from 0; -1 for the file
	line  int    // the line of the file, when the page found it; 0 when the app did
	field string // the field, named as the app names it
	key   string // the page's message, or
	msg   string // the app's
	args  []any
}

// importRow is one line of the validation report.
type importRow struct {
	Line           int
	Ref            string
	Field, Message string
}

// importData is what the import page shows.
type importData struct {
	Format  string // "csv" or "json", once a file is read
	Report  []importRow
	Created []*haven.Case
	Columns []importColumn
	MaxMiB  int // the bound of a file, in MiB
}

// importColumn documents one column of the CSV format.
type importColumn struct {
	Name, Label string
	Member      bool
}

func importColumns(p *page) []importColumn {
	cols := []importColumn{{Name: referral.KeyColumn, Label: p.t("partner.import.col_referral")}}
	for _, c := range referral.Columns {
		label := importFieldLabel(p, c.Field)
		if c.Member {
			label = p.t(referLabels[c.Field])
		}
		cols = append(cols, importColumn{Name: c.Name, Label: label, Member: c.Member})
	}
	return cols
}

// handleImportForm shows the upload form and the formats.
func (s *server) handleImportForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.mayRefer(w, r, v) {
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Data = &importData{Columns: importColumns(p), MaxMiB: maxUploadMiB}
	s.render(w, r, http.StatusOK, "partner_import", p)
}

// handleImport reads the uploaded file and imports its referrals, all or
// none, and shows the report or the cases created.
func (s *server) handleImport(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !s.mayRefer(w, r, v) {
		return
	}
	up, _ := r.Context().Value(uploadKey{}).(*upload)
	p := s.newPage(w, r, v)
	p.Protected = true
	p.toggleTo(importPath)
	d := &importData{Columns: importColumns(p), MaxMiB: maxUploadMiB}
	p.Data = d
	refuse := func(status int, key string, args ...any) {
		s.logRefused(r, status, haven.EINVALID, errors.New(key))
		p.invalid("file", key, args...)
		s.render(w, r, status, "partner_import", p)
	}
	if up == nil {
		refuse(http.StatusBadRequest, "partner.err.file_required")
		return
	}
	switch ext := strings.ToLower(path.Ext(up.name)); {
	case up.tooLarge:
		refuse(http.StatusRequestEntityTooLarge, "partner.err.file_too_large", maxUploadMiB)
		return
	case up.name == "" && len(up.data) == 0:
		refuse(http.StatusBadRequest, "partner.err.file_required")
		return
	case ext != ".csv" && ext != ".json", !utf8.Valid(up.data), bytes.IndexByte(up.data, 0) >= 0:
		refuse(http.StatusUnsupportedMediaType, "partner.err.file_type")
		return
	case ext == ".json":
		d.Format = "json"
	default:
		d.Format = "csv"
	}
	data := bytes.TrimPrefix(up.data, []byte("\ufeff"))
	var dec *referral.Decoded
	if d.Format == "json" {
		dec = referral.DecodeJSON(data)
	} else {
		dec = referral.DecodeCSV(data)
	}
	cases, refs, issues := dec.Cases, dec.Refs, importIssues(dec.Problems)
	status := http.StatusBadRequest
	if len(issues) > 0 {
		// A problem of reading one row hides no rule of another: every
		// referral read is checked as the import would check it, nothing
		// written, and the file is refused whole.
		more, err := s.checkRead(r, v, dec.Read, issues)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		issues = append(issues, more...)
	}
	if len(issues) == 0 {
		err := s.cases.ImportReferrals(r.Context(), v.Actor, cases)
		switch haven.ErrorCodeOf(err) {
		case "":
			d.Created = cases
			p.Notice = p.tf("partner.import.done", len(cases))
			s.render(w, r, http.StatusOK, "partner_import", p)
			return
		case haven.EINVALID, haven.ECONFLICT:
			status = statusOf(err)
			issues = appIssues(err)
		default:
			s.fail(w, r, v, err)
			return
		}
	}
	s.logRefused(r, status, haven.EINVALID, errors.New("import refused"))
	d.Report = importReport(p, issues, refs)
	p.Errors = append(p.Errors, problem{Field: "report", Message: p.tf("partner.import.refused", len(d.Report))})
	s.render(w, r, status, "partner_import", p)
}

// checkRead asks the app's rules of the referrals read from a file that
// has problems (read, one for each referral of the file; nil for one the
// file holds as no referral at all). It returns the app's problems, by the
// referral of the file each is about, but those of a value the file's
// problems (found) already concern: the app would find it missing.
func (s *server) checkRead(r *http.Request, v *viewer, read []*haven.Case, found []importIssue) ([]importIssue, error) {
	var list []*haven.Case
	var index []int // index[i] is the referral of the file list[i] is
	for i, c := range read {
		if c != nil {
			list, index = append(list, c), append(index, i)
		}
	}
	if len(list) == 0 {
		return nil, nil
	}
	err := s.cases.CheckReferrals(r.Context(), v.Actor, list)
	switch haven.ErrorCodeOf(err) {
	case "":
		return nil, nil
	case haven.EINVALID, haven.ECONFLICT:
	default:
		return nil, err
	}
	var out []importIssue
	for _, is := range appIssues(err) {
		if is.ref >= len(index) {
			continue
		}
		if is.ref >= 0 {
			is.ref = index[is.ref]
		}
		if slices.ContainsFunc(found, func(f importIssue) bool { return f.ref == is.ref && covers(f.field, is.field) }) {
			continue
		}
		out = append(out, is)
	}
	return out, nil
}

// covers reports whether a problem of field f concerns field g too: the
// same field, or one inside it ("members[0]" covers "members[0].sex").
func covers(f, g string) bool {
	return f == g || f != "" && (strings.HasPrefix(g, f+".") || strings.HasPrefix(g, f+"["))
}

var appLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// appIssues reads the app's problems of an import: "line N: field".
func appIssues(err error) []importIssue {
	var out []importIssue
	for _, f := range haven.FieldsOf(err) {
		is := importIssue{ref: -1, field: f.Field, msg: f.Message}
		if m := appLine.FindStringSubmatch(f.Field); m != nil {
			n, _ := strconv.Atoi(m[1])
			is.ref, is.field = n-1, m[2]
		}
		out = append(out, is)
	}
	if len(out) == 0 {
		out = append(out, importIssue{ref: -1, msg: haven.ErrorMessageOf(err)})
	}
	return out
}

var memberPath = regexp.MustCompile(`^members\[(\d+)\]`)

// importReport is the report of issues, by line of the file.
func importReport(p *page, issues []importIssue, refs []referral.Ref) []importRow {
	var out []importRow
	for _, is := range issues {
		row := importRow{Line: is.line, Field: importFieldLabel(p, is.field)}
		if is.ref >= 0 && is.ref < len(refs) {
			ref := refs[is.ref]
			row.Ref = ref.Name
			if row.Line == 0 {
				row.Line = ref.Line
				if m := memberPath.FindStringSubmatch(is.field); m != nil {
					if k, _ := strconv.Atoi(m[1]); k < len(ref.Members) {
						row.Line = ref.Members[k]
					}
				}
			}
		}
		switch k, known := partnerMessageKey(is.msg); {
		case is.key != "":
			row.Message = p.tf(is.key, is.args...)
		case known:
			row.Message = p.t(k)
		case p.Lang == langEN:
			row.Message = sentence(is.msg)
		case row.Field != "":
			row.Message = p.tf("err.check_answer", row.Field)
		default:
			row.Message = p.t("err.check_input")
		}
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b importRow) int { return a.Line - b.Line })
	return out
}

var threatPath = regexp.MustCompile(`^profile\.threat_events\[(\d+)\](?:\.(.*))?$`)

// importFieldLabel names one of the app's fields of a referral on the
// report: "members[1].sex" is "Person 2: Sex".
func importFieldLabel(p *page, field string) string {
	label := func(f string) string {
		if k, ok := referLabels[f]; ok {
			return p.t(k)
		}
		if k, ok := nominateLabels[f]; ok {
			return p.t(k)
		}
		return f
	}
	if m := memberPath.FindStringSubmatch(field); m != nil {
		k, _ := strconv.Atoi(m[1])
		if rest := strings.TrimPrefix(field[len(m[0]):], "."); rest != "" {
			return p.tf("partner.f.member_field", k+1, label(rest))
		}
		return p.tf("partner.f.member", k+1)
	}
	if m := threatPath.FindStringSubmatch(field); m != nil {
		k, _ := strconv.Atoi(m[1])
		if m[2] != "" {
			return p.tf("partner.f.threat_field", k+1, label(m[2]))
		}
		return p.tf("partner.f.threat", k+1)
	}
	switch field {
	case "":
		return ""
	case "file":
		return p.t("partner.f.file")
	case referral.KeyColumn:
		return p.t("partner.f.referral")
	case "nomination_id":
		return p.t("partner.f.nomination")
	case "profile.work_areas", "profile.organisations", "profile.threat_events":
		return p.t(map[string]string{"profile.work_areas": "profile.work_areas", "profile.organisations": "profile.organisations",
			"profile.threat_events": "profile.threats"}[field])
	}
	return label(field)
}

// importIssues are the page's issues of the codec's problems.
func importIssues(probs []referral.Problem) []importIssue {
	keys := map[referral.Kind]string{
		referral.Unknown: "partner.import.unknown_field", referral.WantText: "partner.import.want_text",
		referral.WantBool: "partner.import.want_bool", referral.WantNumber: "partner.import.want_number",
		referral.WantList: "partner.import.want_list", referral.WantObject: "partner.import.want_object",
		referral.BadDate: "err.date_format", referral.Shape: "partner.import.json_shape",
		referral.Empty: "partner.err.file_empty_csv", referral.NoRows: "partner.err.file_empty",
		referral.ColumnTwice: "partner.import.column_twice", referral.UnknownColumn: "partner.import.unknown_column",
		referral.NoKeyColumn: "partner.import.no_key_column", referral.CellCount: "partner.import.cell_count",
		referral.KeyRequired: "partner.import.key_required", referral.Differs: "partner.import.differs",
		referral.WantYesNo: "partner.import.want_yes_no", referral.Twice: "partner.import.twice",
		referral.BadValue: "partner.import.bad_value",
	}
	var out []importIssue
	for _, pr := range probs {
		is := importIssue{ref: pr.Referral, line: pr.Line, field: pr.Field, key: keys[pr.Kind]}
		for _, a := range pr.Args {
			is.args = append(is.args, a)
		}
		if is.key == "" {
			is.msg = pr.Message // a kind the page has no words for: the codec's
		}
		switch {
		case pr.Kind == referral.Syntax && pr.Column > 0:
			is.key, is.args = "partner.import.json_syntax", []any{pr.Line, pr.Column}
		case pr.Kind == referral.Syntax:
			is.key = "partner.import.csv_syntax"
		}
		if pr.Referral < 0 && (pr.Field == "" || pr.Kind != referral.KeyRequired && pr.Kind != referral.Differs) {
			// A problem of the file as a whole: JSON whose list is not
			// where the format has it, or a CSV header.
			is.field = "file"
			if is.key == "" || pr.Field != "" {
				is.key, is.msg, is.args = "partner.import.json_shape", "", nil
			}
		}
		out = append(out, is)
	}
	return out
}
