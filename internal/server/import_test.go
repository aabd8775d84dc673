package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
)

// importFile is a JSON file of two referrals, padded with spaces to n bytes.
func importFile(t *testing.T, n int, tag string) []byte {
	t.Helper()
	var refs []any
	for i, size := range []int{1, 2} {
		var members []any
		for j := range size {
			rel := "principal"
			if j > 0 {
				rel = "spouse"
			}
			members = append(members, map[string]any{"relationship": rel, "accompanying": true, "family_name": "Family" + tag,
				"given_names": fmt.Sprintf("Member%d %s", j, tag), "date_of_birth": fmt.Sprintf("198%d-04-0%d", i, j+1), "sex": "female",
				"nationalities": []string{"IR"}, "languages": []string{"fa"}})
		}
		refs = append(refs, map[string]any{"unhcr_number": fmt.Sprintf("UNH-%s-%d", strings.ToUpper(tag), i),
			"submission_priority": "urgent", "processing_priority": "urgent", "primary_category": "legal_physical_protection",
			"category_justification": "Detained twice; further arrest imminent.", "grounds": []string{"political_opinion"},
			"nationality_countries": []string{"IR"}, "asylum_country": "TR",
			"persecution_account": "Arrested, beaten, charged with propaganda.", "declared_size": size, "members": members})
	}
	b, err := json.Marshal(map[string]any{"referrals": refs})
	if err != nil || len(b) > n {
		t.Fatalf("the file is %d bytes, over %d: %v", len(b), n, err)
	}
	return append(b, bytes.Repeat([]byte(" "), n-len(b))...)
}

// TestImportPageFileBound: the import page takes a file as large as it
// states (haven.MaxImportFile), through the whole server, and refuses one
// byte more with a 413 page that says why.
func TestImportPageFileBound(t *testing.T) {
	f := newFixture(t)
	session := f.signIn(t)
	get := must(http.NewRequest("GET", f.srv.URL+"/referrals/import", nil))
	get.AddCookie(session)
	r := must(http.DefaultClient.Do(get))
	page := readAll(t, r)
	stated := fmt.Sprintf("of at most %d MiB", haven.MaxImportFile>>20)
	if r.StatusCode != 200 || !strings.Contains(page, stated) {
		t.Fatalf("the import page: %d; it does not say %q", r.StatusCode, stated)
	}
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if token == nil {
		t.Fatal("the import page has no CSRF token")
	}
	upload := func(file []byte) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", token[1])
		fw := must(mw.CreateFormFile("file", "referrals.json"))
		fw.Write(file)
		mw.Close()
		req := must(http.NewRequest("POST", f.srv.URL+"/referrals/import", &body))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", origin)
		req.AddCookie(session)
		for _, c := range r.Cookies() { // the CSRF key
			req.AddCookie(c)
		}
		resp := must(http.DefaultClient.Do(req))
		return resp.StatusCode, readAll(t, resp)
	}
	if st, body := upload(importFile(t, haven.MaxImportFile, "Bound")); st != 200 || !strings.Contains(body, "Referrals imported: 2.") {
		t.Fatalf("a file of %d bytes: %d\n%.2000s", haven.MaxImportFile, st, body)
	}
	tooLarge := fmt.Sprintf("The file is larger than %d MiB", haven.MaxImportFile>>20)
	if st, body := upload(importFile(t, haven.MaxImportFile+1, "Over")); st != http.StatusRequestEntityTooLarge || !strings.Contains(body, tooLarge) {
		t.Fatalf("a file of %d bytes: %d\n%.2000s", haven.MaxImportFile+1, st, body)
	}
}
