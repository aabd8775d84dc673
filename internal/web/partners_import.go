package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
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
)

// Bulk import: a referral partner uploads a file of referrals, CSV or
// JSON, at most maxUpload bytes. The page reads it, then the app imports
// every referral or none (app.ImportReferrals). Every problem is reported
// at once, by the line of the file it is on; on success the page lists the
// cases created. The file is read in memory only: it is never written to
// disk, and nothing of it is kept but what the app stores.
//
// JSON: an array of referrals (or an object {"referrals": [...]}, the body
// of POST /api/v1/cases/import), each an object with the fields of the
// body of POST /api/v1/cases, in snake_case, matched exactly.
//
// CSV: one row per member of a family, with a header row naming the
// columns (any order). The column "referral" holds a key of the file's
// own that groups a family's rows; the referral's own columns are read
// from its first row, and a later row leaves them empty or repeats them.
// Lists are separated by ";". A threat event can only be given in JSON.

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

// importRef is where one referral is in the file.
type importRef struct {
	name    string // CSV: its key; JSON: its number
	line    int    // where it starts
	members []int  // CSV: the line of each member
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

// csvReferralColumns are the referral's own columns, as the app names
// their fields; csvMemberColumns a member's.
var (
	csvReferralColumns = []string{"unhcr_number", "nomination_id", "submission_priority", "processing_priority",
		"primary_category", "secondary_category", "category_justification", "grounds", "social_groups",
		"nationality_countries", "asylum_country", "persecution_account", "work_areas", "organisations", "declared_size"}
	csvMemberColumns = []string{"relationship", "accompanying", "family_name", "given_names", "date_of_birth", "sex",
		"nationalities", "languages", "contact", "whereabouts", "confidential_notes", "adult_dependent"}
)

// csvKeyColumn groups a family's rows.
const csvKeyColumn = "referral"

// importFieldPath is the app's name of a CSV column or a JSON field.
func importFieldPath(col string) string {
	if col == "work_areas" || col == "organisations" {
		return "profile." + col
	}
	return col
}

func importColumns(p *page) []importColumn {
	cols := []importColumn{{Name: csvKeyColumn, Label: p.t("partner.import.col_referral")}}
	for _, c := range csvReferralColumns {
		cols = append(cols, importColumn{Name: c, Label: importFieldLabel(p, importFieldPath(c))})
	}
	for _, c := range csvMemberColumns {
		cols = append(cols, importColumn{Name: c, Label: p.t(referLabels[c]), Member: true})
	}
	return cols
}

// handleImportForm shows the upload form and the formats.
func (s *server) handleImportForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	if v.Kind() != haven.OrgReferralPartner {
		s.forbidden(w, r, v)
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
	if v.Kind() != haven.OrgReferralPartner {
		s.forbidden(w, r, v)
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
	var (
		cases  []*haven.Case
		refs   []importRef
		issues []importIssue
	)
	if d.Format == "json" {
		cases, refs, issues = readJSONImport(data)
	} else {
		cases, refs, issues = readCSVImport(data)
	}
	status := http.StatusBadRequest
	if len(issues) == 0 {
		err := s.h.ImportReferrals(r.Context(), v.Actor, cases)
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
func importReport(p *page, issues []importIssue, refs []importRef) []importRow {
	var out []importRow
	for _, is := range issues {
		row := importRow{Line: is.line, Field: importFieldLabel(p, is.field)}
		if is.ref >= 0 && is.ref < len(refs) {
			ref := refs[is.ref]
			row.Ref = ref.name
			if row.Line == 0 {
				row.Line = ref.line
				if m := memberPath.FindStringSubmatch(is.field); m != nil {
					if k, _ := strconv.Atoi(m[1]); k < len(ref.members) {
						row.Line = ref.members[k]
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
	case csvKeyColumn:
		return p.t("partner.f.referral")
	case "nomination_id":
		return p.t("partner.f.nomination")
	case "profile.work_areas", "profile.organisations", "profile.threat_events":
		return p.t(map[string]string{"profile.work_areas": "profile.work_areas", "profile.organisations": "profile.organisations",
			"profile.threat_events": "profile.threats"}[field])
	}
	return label(field)
}

// --- JSON ---

// jsonObj reads one JSON object of an import, recording a problem for each
// field it does not know and each value of the wrong type.
type jsonObj struct {
	m    map[string]json.RawMessage
	path string
	add  func(field, key string)
}

func readObj(raw json.RawMessage, path string, known []string, add func(field, key string)) *jsonObj {
	o := &jsonObj{path: path, add: add}
	if len(raw) == 0 || string(raw) == "null" {
		return o
	}
	if err := json.Unmarshal(raw, &o.m); err != nil {
		add(strings.TrimSuffix(path, "."), "partner.import.want_object")
		return o
	}
	keys := make([]string, 0, len(o.m))
	for k := range o.m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			add(path+k, "partner.import.unknown_field")
		}
	}
	return o
}

func (o *jsonObj) value(k string, v any, key string) {
	if raw, ok := o.m[k]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, v); err != nil {
			o.add(o.path+k, key)
		}
	}
}

func (o *jsonObj) str(k string) (s string)    { o.value(k, &s, "partner.import.want_text"); return }
func (o *jsonObj) strs(k string) (s []string) { o.value(k, &s, "partner.import.want_list"); return }
func (o *jsonObj) num(k string) (n int)       { o.value(k, &n, "partner.import.want_number"); return }
func (o *jsonObj) flag(k string) (b bool)     { o.value(k, &b, "partner.import.want_bool"); return }
func (o *jsonObj) list(k string) (l []json.RawMessage) {
	o.value(k, &l, "partner.import.want_list")
	return
}

func (o *jsonObj) date(k string) haven.Date {
	s := o.str(k)
	if s == "" {
		return haven.Date{}
	}
	d, err := haven.ParseDate(s)
	if err != nil {
		o.add(o.path+k, "err.date_format")
	}
	return d
}

var (
	jsonReferralFields = []string{"unhcr_number", "nomination_id", "submission_priority", "processing_priority", "primary_category",
		"secondary_category", "category_justification", "grounds", "social_groups", "nationality_countries", "asylum_country",
		"profile", "persecution_account", "declared_size", "members"}
	jsonProfileFields = []string{"work_areas", "organisations", "threat_events"}
	jsonThreatFields  = []string{"type", "perpetrator", "date", "place", "description"}
	jsonMemberFields  = []string{"relationship", "accompanying", "family_name", "given_names", "date_of_birth", "sex",
		"nationalities", "languages", "contact", "whereabouts", "confidential_notes", "adult_dependent"}
)

// jsonReferral reads one referral of a JSON import.
func jsonReferral(raw json.RawMessage, add func(field, key string)) *haven.Case {
	o := readObj(raw, "", jsonReferralFields, add)
	c := &haven.Case{UNHCRNumber: o.str("unhcr_number"), NominationID: haven.ID(o.str("nomination_id")),
		SubmissionPriority: haven.Priority(o.str("submission_priority")), ProcessingPriority: haven.Priority(o.str("processing_priority")),
		PrimaryCategory: haven.SubmissionCategory(o.str("primary_category")), SecondaryCategory: haven.SubmissionCategory(o.str("secondary_category")),
		CategoryJustification: o.str("category_justification"), NationalityCountries: o.strs("nationality_countries"),
		AsylumCountry: o.str("asylum_country"), PersecutionAccount: o.str("persecution_account"), DeclaredSize: o.num("declared_size")}
	for _, g := range o.strs("grounds") {
		c.Grounds = append(c.Grounds, haven.Ground(g))
	}
	for _, g := range o.strs("social_groups") {
		c.SocialGroups = append(c.SocialGroups, haven.SocialGroup(g))
	}
	pr := readObj(o.m["profile"], "profile.", jsonProfileFields, add)
	for _, w := range pr.strs("work_areas") {
		c.Profile.WorkAreas = append(c.Profile.WorkAreas, haven.WorkArea(w))
	}
	c.Profile.Organisations = pr.strs("organisations")
	for i, te := range pr.list("threat_events") {
		t := readObj(te, fmt.Sprintf("profile.threat_events[%d].", i), jsonThreatFields, add)
		c.Profile.ThreatEvents = append(c.Profile.ThreatEvents, haven.ThreatEvent{Type: haven.ThreatType(t.str("type")),
			Perpetrator: haven.Perpetrator(t.str("perpetrator")), Date: t.date("date"), Place: t.str("place"), Description: t.str("description")})
	}
	for i, mr := range o.list("members") {
		m := readObj(mr, fmt.Sprintf("members[%d].", i), jsonMemberFields, add)
		c.Members = append(c.Members, &haven.Member{Relationship: haven.Relationship(m.str("relationship")), Accompanying: m.flag("accompanying"),
			FamilyName: m.str("family_name"), GivenNames: m.str("given_names"), DateOfBirth: m.date("date_of_birth"),
			Sex: haven.Sex(m.str("sex")), Nationalities: m.strs("nationalities"), Languages: m.strs("languages"),
			Contact: m.str("contact"), Whereabouts: m.str("whereabouts"), ConfidentialNotes: m.str("confidential_notes"),
			AdultDependent: m.flag("adult_dependent")})
	}
	return c
}

// lineAt is the line of byte offset off of data, from 1.
func lineAt(data []byte, off int) int {
	return 1 + bytes.Count(data[:max(0, min(off, len(data)))], []byte("\n"))
}

// jsonSyntax is the problem of a file that is not JSON.
func jsonSyntax(data []byte, err error) importIssue {
	off := len(data)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	line := lineAt(data, off)
	col := off - bytes.LastIndexByte(data[:max(0, min(off, len(data)))], '\n')
	return importIssue{ref: -1, line: line, field: "file", key: "partner.import.json_syntax", args: []any{line, col}}
}

// readJSONImport reads a JSON import: an array of referrals, or an object
// whose only field "referrals" is one.
func readJSONImport(data []byte) ([]*haven.Case, []importRef, []importIssue) {
	var issues []importIssue
	dec := json.NewDecoder(bytes.NewReader(data))
	shape := importIssue{ref: -1, line: 1, field: "file", key: "partner.import.json_shape"}
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, []importIssue{jsonSyntax(data, err)}
	}
	object := tok == json.Delim('{')
	if object {
		if tok, err = dec.Token(); err != nil {
			return nil, nil, []importIssue{jsonSyntax(data, err)}
		}
		if tok != "referrals" {
			return nil, nil, []importIssue{shape}
		}
		if tok, err = dec.Token(); err != nil {
			return nil, nil, []importIssue{jsonSyntax(data, err)}
		}
	}
	if tok != json.Delim('[') {
		return nil, nil, []importIssue{shape}
	}
	var (
		cases []*haven.Case
		refs  []importRef
	)
	for dec.More() {
		off := int(dec.InputOffset())
		for off < len(data) && strings.ContainsRune(" \t\r\n,", rune(data[off])) {
			off++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, []importIssue{jsonSyntax(data, err)}
		}
		i, line := len(cases), lineAt(data, off)
		refs = append(refs, importRef{name: strconv.Itoa(i + 1), line: line})
		add := func(field, key string) {
			issues = append(issues, importIssue{ref: i, line: line, field: field, key: key})
		}
		if bytes.TrimSpace(raw)[0] != '{' {
			add("", "partner.import.want_object")
			cases = append(cases, &haven.Case{})
			continue
		}
		cases = append(cases, jsonReferral(raw, add))
	}
	closers := 1
	if object {
		closers = 2
	}
	for range closers {
		if _, err := dec.Token(); err != nil {
			return nil, nil, []importIssue{jsonSyntax(data, err)}
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		issues = append(issues, importIssue{ref: -1, line: lineAt(data, int(dec.InputOffset())), field: "file", key: "partner.import.json_shape"})
	}
	return cases, refs, issues
}

// --- CSV ---

// cells splits a CSV cell's list, separated by semicolons.
func cells(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ";") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// readCSVImport reads a CSV import: a header row, then a row per member.
func readCSVImport(data []byte) ([]*haven.Case, []importRef, []importIssue) {
	var issues []importIssue
	fileIssue := func(line int, key string, args ...any) {
		issues = append(issues, importIssue{ref: -1, line: line, field: "file", key: key, args: args})
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		fileIssue(1, "partner.err.file_empty_csv")
		return nil, nil, issues
	} else if err != nil {
		var pe *csv.ParseError
		line := 1
		if errors.As(err, &pe) {
			line = pe.Line
		}
		fileIssue(line, "partner.import.csv_syntax")
		return nil, nil, issues
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch _, dup := col[h]; {
		case dup:
			fileIssue(1, "partner.import.column_twice", i+1)
		case h != csvKeyColumn && !slices.Contains(csvReferralColumns, h) && !slices.Contains(csvMemberColumns, h):
			fileIssue(1, "partner.import.unknown_column", i+1)
		default:
			col[h] = i
		}
	}
	if _, ok := col[csvKeyColumn]; !ok {
		fileIssue(1, "partner.import.no_key_column")
	}
	if len(issues) > 0 {
		return nil, nil, issues
	}
	type family struct {
		first map[string]string
		rows  [][]string
		ref   importRef
	}
	var order []string
	families := map[string]*family{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
			}
			fileIssue(line, "partner.import.csv_syntax")
			return nil, nil, issues
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			fileIssue(line, "partner.import.cell_count", len(rec), len(header))
			continue
		}
		if !slices.ContainsFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue // a blank line
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		key := cell(csvKeyColumn)
		if key == "" {
			issues = append(issues, importIssue{ref: -1, line: line, field: csvKeyColumn, key: "partner.import.key_required"})
			continue
		}
		fam, ok := families[key]
		if !ok {
			fam = &family{first: map[string]string{}, ref: importRef{name: key, line: line}}
			for _, c := range csvReferralColumns {
				fam.first[c] = cell(c)
			}
			families[key] = fam
			order = append(order, key)
		} else {
			for _, c := range csvReferralColumns {
				if v := cell(c); v != "" && v != fam.first[c] {
					issues = append(issues, importIssue{ref: -1, line: line, field: importFieldPath(c), key: "partner.import.differs",
						args: []any{fam.ref.line}})
				}
			}
		}
		fam.rows = append(fam.rows, rec)
		fam.ref.members = append(fam.ref.members, line)
	}
	if len(order) == 0 && len(issues) == 0 {
		fileIssue(2, "partner.err.file_empty")
	}
	var (
		cases []*haven.Case
		refs  []importRef
	)
	for i, key := range order {
		fam := families[key]
		f := fam.first
		c := &haven.Case{UNHCRNumber: f["unhcr_number"], NominationID: haven.ID(f["nomination_id"]),
			SubmissionPriority: haven.Priority(f["submission_priority"]), ProcessingPriority: haven.Priority(f["processing_priority"]),
			PrimaryCategory: haven.SubmissionCategory(f["primary_category"]), SecondaryCategory: haven.SubmissionCategory(f["secondary_category"]),
			CategoryJustification: f["category_justification"], NationalityCountries: codeList(f["nationality_countries"], true),
			AsylumCountry: strings.ToUpper(f["asylum_country"]), PersecutionAccount: f["persecution_account"],
			Profile: haven.DefenderProfile{Organisations: cells(f["organisations"])}}
		for _, g := range cells(f["grounds"]) {
			c.Grounds = append(c.Grounds, haven.Ground(g))
		}
		for _, g := range cells(f["social_groups"]) {
			c.SocialGroups = append(c.SocialGroups, haven.SocialGroup(g))
		}
		for _, w := range cells(f["work_areas"]) {
			c.Profile.WorkAreas = append(c.Profile.WorkAreas, haven.WorkArea(w))
		}
		for k, rec := range fam.rows {
			line := fam.ref.members[k]
			cell := func(name string) string {
				if j, ok := col[name]; ok {
					return strings.TrimSpace(rec[j])
				}
				return ""
			}
			add := func(field, key string) {
				issues = append(issues, importIssue{ref: i, line: line, field: fmt.Sprintf("members[%d].%s", k, field), key: key})
			}
			m := &haven.Member{Relationship: haven.Relationship(cell("relationship")), FamilyName: cell("family_name"),
				GivenNames: cell("given_names"), Sex: haven.Sex(cell("sex")), Nationalities: codeList(cell("nationalities"), true),
				Languages: codeList(cell("languages"), false), Contact: cell("contact"), Whereabouts: cell("whereabouts"),
				ConfidentialNotes: cell("confidential_notes")}
			switch strings.ToLower(cell("accompanying")) {
			case "yes", "true", "y", "1":
				m.Accompanying = true
			case "no", "false", "n", "0":
			default:
				add("accompanying", "partner.import.want_yes_no")
			}
			// The dependent child exception: blank is no.
			switch strings.ToLower(cell("adult_dependent")) {
			case "yes", "true", "y", "1":
				m.AdultDependent = true
			case "", "no", "false", "n", "0":
			default:
				add("adult_dependent", "partner.import.want_yes_no")
			}
			if d := cell("date_of_birth"); d != "" {
				var err error
				if m.DateOfBirth, err = haven.ParseDate(d); err != nil {
					add("date_of_birth", "err.date_format")
				}
			}
			c.Members = append(c.Members, m)
		}
		c.DeclaredSize = len(c.Members)
		if s := f["declared_size"]; s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				issues = append(issues, importIssue{ref: i, line: fam.ref.line, field: "declared_size", key: "partner.import.want_number"})
			}
			c.DeclaredSize = n
		}
		cases = append(cases, c)
		refs = append(refs, fam.ref)
	}
	return cases, refs, issues
}
