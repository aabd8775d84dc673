package web

import (
	"net/http"
	"net/url"

	"github.com/havenhrd/haven"
)

// The notifications: the list of the viewer's notices, marking them read,
// and the viewer's choice of how to be told (email or not, language).

// handleNotices lists the viewer's notices, newest first: each says what
// needs the viewer, names at most the case's reference, and links to where
// the viewer acts on it.
func (s *server) handleNotices(w http.ResponseWriter, r *http.Request, v *viewer) {
	ns, err := s.notices.FindNotifications(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	d := &noticesData{Unread: ns.Unread}
	for _, n := range ns.Items {
		d.Items = append(d.Items, noticeRow{Notification: n, Text: p.t("notice." + string(n.Kind)), Link: noticeLink(v, n)})
	}
	switch r.URL.Query().Get("done") {
	case "read":
		p.Notice = p.t("notices.done_read")
	case "all":
		p.Notice = p.t("notices.done_all")
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "notices", p)
}

// noticesData is what the notifications page shows.
type noticesData struct {
	Items  []noticeRow
	Unread int
}

// noticeRow is one notice: its text in the page's language and its link.
type noticeRow struct {
	*haven.Notification
	Text string
	Link string
}

// noticeLink is where the viewer acts on the notice: the case, or for a
// screening or medical partner, which sees members and not cases, its
// checks; the users or the account for a notice about access.
func noticeLink(v *viewer, n *haven.Notification) string {
	switch {
	case n.Kind == haven.NoticeEnrolmentExpiring:
		return "/admin/users"
	case n.Kind == haven.NoticeTokenExpiring:
		return "/account"
	case n.CaseID == "":
		return ""
	case v.Kind() == haven.OrgScreeningPartner || v.Kind() == haven.OrgMedicalPartner:
		return "/checks?outstanding=yes"
	}
	return "/cases/" + url.PathEscape(string(n.CaseID))
}

// handleNoticeRead marks one notice read ({id}) or all of them.
func (s *server) handleNoticeRead(w http.ResponseWriter, r *http.Request, v *viewer) {
	id := haven.ID(r.PathValue("id"))
	if err := s.notices.MarkRead(r.Context(), v.Actor, id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	done := "all"
	if id != "" {
		done = "read"
	}
	http.Redirect(w, r, "/notifications?done="+done, http.StatusSeeOther)
}

// noticePrefLabels are the preference form's fields, by control ID.
var noticePrefLabels = map[string]string{"email": "prefs.email", "email_on": "prefs.email_on", "lang": "prefs.lang"}

// handleNoticePrefsForm shows the viewer's choice of how to be told.
func (s *server) handleNoticePrefsForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	pr, err := s.notices.FindPrefs(r.Context(), v.Actor, p.Lang)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p.Form.Set("email", pr.Email)
	p.Form.Set("email_on", yesNo(pr.EmailOn))
	p.Form.Set("lang", pr.Lang)
	if r.URL.Query().Get("done") == "saved" {
		p.Notice = p.t("prefs.saved")
	}
	s.render(w, r, http.StatusOK, "notice_prefs", p)
}

// handleNoticePrefs saves the viewer's choice.
func (s *server) handleNoticePrefs(w http.ResponseWriter, r *http.Request, v *viewer) {
	pr := &haven.NoticePrefs{Email: r.PostFormValue("email"), EmailOn: r.PostFormValue("email_on") == "yes", Lang: r.PostFormValue("lang")}
	if err := s.notices.SetPrefs(r.Context(), v.Actor, pr); err != nil {
		status, done := s.formRefused(w, r, v, err)
		if done {
			return
		}
		p := s.newPage(w, r, v)
		p.Form = r.PostForm
		p.fail(err, noticePrefLabels, nil)
		s.render(w, r, status, "notice_prefs", p)
		return
	}
	http.Redirect(w, r, "/account/notifications?done=saved", http.StatusSeeOther)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func init() {
	for msg, key := range map[string]string{
		"choose English or French":                               "err.prefs_lang",
		"enter an email address such as name@example.org":        "err.prefs_email",
		"enter the address to send email to, or choose no email": "err.prefs_email_required",
	} {
		knownMessages[msg] = key
	}
}
