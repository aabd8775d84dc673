package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
)

// Organisations: the list of the organisations taking part, and the form
// that adds one.

var adminOrgLabels = map[string]string{"kind": "admin.orgs.kind", "name": "admin.orgs.name", "country": "admin.orgs.country"}

// adminOrgsData is what the organisations page shows.
type adminOrgsData struct {
	Orgs  []*haven.Organisation
	Kinds []haven.OrgKind
}

// adminSortedOrgs are the viewer's organisations by kind, in the order of
// haven.OrgKinds, then by name.
func adminSortedOrgs(v *viewer) []*haven.Organisation {
	out := make([]*haven.Organisation, 0, len(v.orgs))
	for _, o := range v.orgs {
		out = append(out, o)
	}
	return adminSortOrgs(out)
}

// adminSortOrgs sorts organisations as the organisations page lists them:
// by kind, in the order of haven.OrgKinds, then by name.
func adminSortOrgs(out []*haven.Organisation) []*haven.Organisation {
	slices.SortFunc(out, func(a, b *haven.Organisation) int {
		if c := slices.Index(haven.OrgKinds, a.Kind) - slices.Index(haven.OrgKinds, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// handleAdminOrgs lists the organisations (those app.FindOrganisations gave
// signedIn) and offers the form that adds one.
func (s *server) handleAdminOrgs(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	if o, ok := v.orgs[haven.ID(r.URL.Query().Get("added"))]; ok {
		p.Notice = p.tf("admin.orgs.added", o.Name)
	}
	p.Data = &adminOrgsData{Orgs: adminSortedOrgs(v), Kinds: haven.OrgKinds}
	s.render(w, r, http.StatusOK, "admin_orgs", p)
}

// handleAdminOrgAdd adds an organisation and shows the list with it.
func (s *server) handleAdminOrgAdd(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.adminPage(w, r, v, "/admin/organisations")
	p.Form = r.PostForm
	o := &haven.Organisation{Name: strings.TrimSpace(r.PostFormValue("name")), Country: strings.ToUpper(strings.TrimSpace(r.PostFormValue("country")))}
	if k := r.PostFormValue("kind"); k == "" {
		p.invalid("kind", "admin.err.kind_required")
	} else {
		var err error
		if o.Kind, err = haven.ParseOrgKind(k); err != nil {
			p.invalid("kind", "admin.err.kind_required")
		}
	}
	status := http.StatusBadRequest
	if p.Failed() {
		// No kind hides nothing else: the name and the country are
		// checked with it.
		adminRecord(p, o.Validate().Err("web.admin_org"), adminOrgLabels, nil, nil)
	} else {
		err := s.programme.CreateOrganisation(r.Context(), v.Actor, o)
		if err == nil {
			http.Redirect(w, r, "/admin/organisations?"+url.Values{"added": {string(o.ID)}}.Encode(), http.StatusSeeOther)
			return
		}
		if adminPageFails(err) || haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			s.fail(w, r, v, err)
			return
		}
		s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
		status = statusOf(err)
		adminRecord(p, err, adminOrgLabels, nil, nil)
	}
	p.Data = &adminOrgsData{Orgs: adminSortedOrgs(v), Kinds: haven.OrgKinds}
	s.render(w, r, status, "admin_orgs", p)
}
